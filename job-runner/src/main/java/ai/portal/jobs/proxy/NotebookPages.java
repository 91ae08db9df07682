package ai.portal.jobs.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;

/**
 * The pages the proxy answers itself when it does not pass a request on: a person opening a notebook link sees a
 * readable page in English or Simplified Chinese (by {@code Accept-Language}), never Jupyter's or a bare status.
 */
final class NotebookPages {

    enum Page {
        FORBIDDEN(HttpStatus.FORBIDDEN,
                "No access to this notebook", "Only owners and members of team %s can open its notebooks.",
                "无权访问此笔记本", "只有团队 %s 的所有者和成员可以打开其笔记本。"),
        NOT_FOUND(HttpStatus.NOT_FOUND,
                "Notebook not found", "Team %s has no notebook by this name.",
                "未找到笔记本", "团队 %s 没有这个名称的笔记本。"),
        NOT_RUNNING(HttpStatus.SERVICE_UNAVAILABLE,
                "Notebook not running", "This notebook of team %s is stopped or still starting. Start it from the portal, or try again in a moment.",
                "笔记本未运行", "团队 %s 的这个笔记本已停止或仍在启动。请在门户中启动它，或稍后再试。"),
        UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE,
                "Access cannot be checked right now", "Team membership in %s could not be checked. Try again shortly.",
                "暂时无法检查访问权限", "暂时无法检查团队 %s 的成员资格。请稍后再试。"),
        CROSS_SITE(HttpStatus.FORBIDDEN,
                "Request refused", "This request to a notebook of team %s came from another site.",
                "请求被拒绝", "对团队 %s 笔记本的请求来自其他站点。"),
        TRACKING_FORBIDDEN(HttpStatus.FORBIDDEN,
                "No access to these experiments", "Only members of team %s see its experiments; only its owners and members change them.",
                "无权访问这些实验", "只有团队 %s 的成员可以查看其实验；只有所有者和成员可以更改它们。"),
        TRACKING_NOT_RUNNING(HttpStatus.SERVICE_UNAVAILABLE,
                "Experiment tracking not running", "The tracking server of team %s is off or still starting. A team owner switches it on in the portal.",
                "实验跟踪未运行", "团队 %s 的跟踪服务器已关闭或仍在启动。团队所有者可以在门户中开启它。"),
        TRACKING_CROSS_SITE(HttpStatus.FORBIDDEN,
                "Request refused", "This request to the experiments of team %s came from another site.",
                "请求被拒绝", "对团队 %s 实验的请求来自其他站点。"),
        MODEL_FORBIDDEN(HttpStatus.FORBIDDEN,
                "No access to this model", "Only members of team %s may call its models.",
                "无权访问此模型", "只有团队 %s 的成员可以调用其模型。"),
        MODEL_NOT_FOUND(HttpStatus.NOT_FOUND,
                "Model deployment not found", "Team %s has no model deployment by this name.",
                "未找到模型部署", "团队 %s 没有这个名称的模型部署。"),
        MODEL_NOT_RUNNING(HttpStatus.SERVICE_UNAVAILABLE,
                "Model not serving", "No replica of this model deployment of team %s is ready: it is starting or failing. Its status in the portal says why.",
                "模型未在服务", "团队 %s 的这个模型部署没有就绪的副本：它正在启动或出现故障。门户中的状态会说明原因。"),
        MODEL_KEY_FORBIDDEN(HttpStatus.FORBIDDEN,
                "API key not valid here", "This API key belongs to another model deployment; it opens only its own deployment, not this one of team %s.",
                "API 密钥在此无效", "此 API 密钥属于另一个模型部署；它只能访问自己的部署，不能访问团队 %s 的这个部署。"),
        MODEL_RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS,
                "Too many requests", "This caller sent this model deployment of team %s more requests per second than its rate limit allows. Retry after the time in Retry-After.",
                "请求过多", "此调用方发送到团队 %s 这个模型部署的每秒请求数超过了其速率限制。请在 Retry-After 指定的时间后重试。"),
        MODEL_CROSS_SITE(HttpStatus.FORBIDDEN,
                "Request refused", "This request to a model of team %s came from another site.",
                "请求被拒绝", "对团队 %s 模型的请求来自其他站点。");

        final HttpStatus status;
        private final String title;
        private final String text;
        private final String titleZh;
        private final String textZh;

        Page(HttpStatus status, String title, String text, String titleZh, String textZh) {
            this.status = status;
            this.title = title;
            this.text = text;
            this.titleZh = titleZh;
            this.textZh = textZh;
        }
    }

    private NotebookPages() {
    }

    static Mono<Void> write(ServerWebExchange exchange, Page page, String team) {
        Locale locale = exchange.getLocaleContext().getLocale();
        boolean chinese = locale != null && "zh".equals(locale.getLanguage());
        String title = chinese ? page.titleZh : page.title;
        var accepted = exchange.getRequest().getHeaders().getAccept();
        if (!accepted.isEmpty() && accepted.stream().noneMatch(type -> type.isCompatibleWith(MediaType.TEXT_HTML)
                && !type.isWildcardType())) {
            // a program (the MLflow client, a script): RFC 9457 problem details rather than a page
            String problem = "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}"
                    .formatted(json(page.title), page.status.value(), json(page.text.formatted(team)));
            var response = exchange.getResponse();
            response.setStatusCode(page.status);
            response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            response.getHeaders().setCacheControl("no-store");
            return response.writeWith(Mono.just(response.bufferFactory().wrap(
                    problem.getBytes(StandardCharsets.UTF_8))));
        }
        String text = (chinese ? page.textZh : page.text).formatted(HtmlUtils.htmlEscape(team));
        String html = """
                <!DOCTYPE html>
                <html lang="%s"><head><meta charset="utf-8"><title>%s</title>
                <meta name="viewport" content="width=device-width, initial-scale=1"></head>
                <body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; padding: 0 1em">
                <h1 id="notebook-proxy-error" data-status="%d">%s</h1><p>%s</p></body></html>
                """.formatted(chinese ? "zh-CN" : "en", title, page.status.value(), title, text);
        var response = exchange.getResponse();
        response.setStatusCode(page.status);
        response.getHeaders().setContentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
        response.getHeaders().setCacheControl("no-store");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(html.getBytes(StandardCharsets.UTF_8))));
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
