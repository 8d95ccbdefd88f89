package dev.aiaas.serving;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The bearer tokens a server accepts, compared in constant time: each token is kept as its
 * SHA-256 digest, a presented token is hashed and compared with every digest by
 * {@link MessageDigest#isEqual} (whose time does not depend on where the bytes differ), without
 * stopping at a match, so the time taken tells neither which token matched nor how much of one.
 */
final class Tokens {

    private static final String PREFIX = "Bearer ";
    private final byte[][] digests;

    Tokens(List<String> tokens) {
        digests = new byte[tokens.size()][];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = sha256(tokens.get(i));
        }
    }

    /** Whether an {@code Authorization} header value carries an accepted token. */
    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() > 8192 || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] d = sha256(authorization.substring(PREFIX.length()).strip());
        boolean ok = false;
        for (byte[] t : digests) {
            ok |= MessageDigest.isEqual(t, d);
        }
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
