package ai.portal.platform.input;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Every string a request body carries, values and object keys alike, is refused while it is read when it holds a
 * character no field of the API accepts: a control character other than tab, line feed and carriage return
 * (PostgreSQL cannot store NUL; the rest end up in logs, audit rows and the identity provider) or half of a
 * UTF-16 surrogate pair (not a character at all, and not encodable as UTF-8). The reader's failure becomes a 400
 * naming the field, through {@code ApiExceptionHandler}.
 */
public final class StrictJsonStrings extends SimpleModule {

    public StrictJsonStrings() {
        super("ai-portal-strict-json-strings");
        addDeserializer(String.class, new CheckedStrings());
        addKeyDeserializer(String.class, new CheckedKeys());
    }

    /** Why {@code value} is not acceptable as a string of the API, or null when it is. */
    public static String faultIn(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate (" + MalformedRequestFilter.codePointName(c)
                        + "), which is not a character";
            } else if (MalformedRequestFilter.isControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return "contains the control character " + MalformedRequestFilter.codePointName(c)
                        + ", which no field of this API accepts";
            }
        }
        return null;
    }

    /** A string of a request body that holds a character the API does not accept; {@link #reason()} says which. */
    public static final class UnacceptableString extends InvalidFormatException {

        private final String reason;

        UnacceptableString(JsonParser parser, String reason, String value) {
            super(parser, "String " + reason, value, String.class);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private static final class CheckedStrings extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            return checked(super.deserialize(parser, context), parser);
        }
    }

    private static final class CheckedKeys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext context) throws JacksonException {
            return checked(key, context.getParser());
        }
    }

    private static String checked(String value, JsonParser parser) {
        String fault = value == null ? null : faultIn(value);
        if (fault != null) {
            throw new UnacceptableString(parser, fault, value);
        }
        return value;
    }
}
