package dev.aiaas.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parser's limits: nesting depth and number length refused while parsing, as 400s that say so. */
class JsonLimitsTest {

    private static HttpError parse(Json json, String text) {
        return assertThrows(HttpError.class, () -> {
            try (JsonParser p = json.parser(text.getBytes(StandardCharsets.UTF_8))) {
                while (p.nextToken() != null) {
                    p.getText();
                }
            } catch (JsonProcessingException e) {
                throw json.badJson(e);
            }
        });
    }

    @Test
    void depthAndNumberLengthAreLimits() {
        Json json = new Json(ServerConfig.builder().model("m", java.nio.file.Path.of("m")).noAuth().maxJsonDepth(4).build());
        HttpError deep = parse(json, "[[[[[1]]]]]");
        assertEquals(400, deep.status);
        assertTrue(deep.getMessage().contains("nesting depth (5) exceeds the maximum allowed (4"), deep.getMessage());
        assertTrue(deep.getMessage().contains("this server allows nesting 4 deep"), deep.getMessage());
        HttpError longNumber = parse(json, "[" + "1".repeat(100) + "]");
        assertTrue(longNumber.getMessage().contains("Number value length (100) exceeds"), longNumber.getMessage());
        HttpError bad = parse(json, "[1, }");
        assertTrue(bad.getMessage().startsWith("malformed JSON at line 1, column 5"), bad.getMessage());
    }
}
