package ai.portal.logs.opensearch;

import java.util.concurrent.TimeUnit;

import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson3.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchAsyncClient;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One transport (connection pool) for the collector's bulk requests and the query API's searches. */
@Configuration(proxyBeanMethods = false)
public class OpenSearchConfiguration {

    @Bean(destroyMethod = "close")
    OpenSearchTransport openSearchTransport(OpenSearchProperties properties) {
        long timeoutMs = properties.timeout().toMillis();
        return ApacheHttpClient5TransportBuilder.builder(HttpHost.create(properties.url()))
                .setMapper(new JacksonJsonpMapper())
                .setRequestConfigCallback(config -> config
                        .setConnectionRequestTimeout(Timeout.of(timeoutMs, TimeUnit.MILLISECONDS))
                        .setResponseTimeout(Timeout.of(timeoutMs, TimeUnit.MILLISECONDS)))
                .build();
    }

    @Bean
    OpenSearchClient openSearchClient(OpenSearchTransport transport) {
        return new OpenSearchClient(transport);
    }

    @Bean
    OpenSearchAsyncClient openSearchAsyncClient(OpenSearchTransport transport) {
        return new OpenSearchAsyncClient(transport);
    }
}
