package dev.aiaas.vision.formation;

/**
 * The specular (mirror-like) part of the reflection, added on top of the Lambertian part with the
 * light's colour (white), not the albedo's. The viewer is along v = (0, 0, 1); h = (l + v) / |l + v|
 * is the half vector. A lobe returns the reflected value per unit irradiance, for n·l &gt; 0; the
 * renderer multiplies it by the light's intensity and visibility.
 */
public sealed interface Specular permits Specular.None, Specular.BlinnPhong, Specular.CookTorrance {

    /**
     * The reflected value per unit irradiance.
     *
     * @param nDotL n·l, &gt; 0
     * @param nDotH n·h
     * @param nDotV n·v = nz
     * @param vDotH v·h = hz
     * @return the specular value, ≥ 0
     */
    double value(double nDotL, double nDotH, double nDotV, double vDotH);

    /**
     * No specular reflection (a purely Lambertian surface).
     *
     * @return the empty lobe
     */
    static Specular none() {
        return new None();
    }

    /**
     * Blinn-Phong's lobe, {@code strength · max(0, n·h)^shininess}.
     *
     * @param strength  the peak value, ≥ 0
     * @param shininess the exponent, ≥ 1 (larger: a smaller, sharper highlight)
     * @return the lobe
     */
    static Specular blinnPhong(double strength, double shininess) {
        return new BlinnPhong(strength, shininess);
    }

    /**
     * Cook-Torrance's microfacet lobe with the GGX distribution.
     *
     * @param strength  a factor on the lobe, ≥ 0
     * @param roughness GGX's α, in (0, 1]
     * @param f0        the Fresnel reflectance at normal incidence, in [0, 1] (about 0.04 for plastics)
     * @return the lobe
     */
    static Specular cookTorrance(double strength, double roughness, double f0) {
        return new CookTorrance(strength, roughness, f0);
    }

    /** No specular reflection. */
    record None() implements Specular {
        @Override
        public double value(double nDotL, double nDotH, double nDotV, double vDotH) {
            return 0;
        }
    }

    /**
     * Blinn-Phong (Blinn, 1977, "Models of light reflection for computer synthesized pictures",
     * SIGGRAPH): {@code strength · max(0, n·h)^shininess}.
     *
     * @param strength  the peak value, finite and ≥ 0
     * @param shininess the exponent, finite and ≥ 1
     */
    record BlinnPhong(double strength, double shininess) implements Specular {
        /**
         * Validates.
         *
         * @param strength the peak value
         * @param shininess the exponent
         * @throws IllegalArgumentException if a value is out of range
         */
        public BlinnPhong {
            if (!(strength >= 0) || !Double.isFinite(strength)) {
                throw new IllegalArgumentException("Blinn-Phong strength=" + strength + ": expected a finite value >= 0, for example 0.5");
            }
            if (!(shininess >= 1) || !Double.isFinite(shininess)) {
                throw new IllegalArgumentException("Blinn-Phong shininess=" + shininess + ": expected a finite exponent >= 1, for example 40");
            }
        }

        @Override
        public double value(double nDotL, double nDotH, double nDotV, double vDotH) {
            return nDotH > 0 ? strength * Math.pow(nDotH, shininess) : 0;
        }
    }

    /**
     * Cook-Torrance (Cook and Torrance, 1982, "A reflectance model for computer graphics", ACM TOG
     * 1(1)) with the GGX distribution D (Walter et al., 2007), Smith-Schlick masking G and Schlick's
     * Fresnel F: {@code strength · D · F · G / (4 · n·v)} (the n·l of the BRDF cancels against the
     * irradiance's cosine).
     *
     * @param strength  a factor, finite and ≥ 0
     * @param roughness GGX's α, in (0, 1]
     * @param f0        Fresnel reflectance at normal incidence, in [0, 1]
     */
    record CookTorrance(double strength, double roughness, double f0) implements Specular {
        /**
         * Validates.
         *
         * @param strength a factor
         * @param roughness GGX's alpha
         * @param f0 Fresnel reflectance at normal incidence
         * @throws IllegalArgumentException if a value is out of range
         */
        public CookTorrance {
            if (!(strength >= 0) || !Double.isFinite(strength)) {
                throw new IllegalArgumentException("Cook-Torrance strength=" + strength + ": expected a finite value >= 0, for example 1");
            }
            if (!(roughness > 0 && roughness <= 1)) {
                throw new IllegalArgumentException("Cook-Torrance roughness=" + roughness + ": expected GGX alpha in (0, 1], for example 0.3");
            }
            if (!(f0 >= 0 && f0 <= 1)) {
                throw new IllegalArgumentException("Cook-Torrance f0=" + f0 + ": expected a reflectance in [0, 1], for example 0.04");
            }
        }

        @Override
        public double value(double nDotL, double nDotH, double nDotV, double vDotH) {
            if (nDotH <= 0 || nDotV <= 0) {
                return 0;
            }
            double a2 = roughness * roughness;
            double t = nDotH * nDotH * (a2 - 1) + 1;
            double d = a2 / (Math.PI * t * t);
            double k = roughness / 2;
            double g = nDotL / (nDotL * (1 - k) + k) * (nDotV / (nDotV * (1 - k) + k));
            double f = f0 + (1 - f0) * Math.pow(1 - Math.max(0, vDotH), 5);
            return strength * d * f * g / (4 * nDotV);
        }
    }
}
