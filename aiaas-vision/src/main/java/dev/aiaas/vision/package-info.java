/**
 * aiaas vision: image I/O, transform and augmentation pipelines, an image-formation model and
 * convolutional networks. Not implemented yet: this package is the module's placeholder so that
 * its coordinates exist in the BOM from the first release.
 */
package dev.aiaas.vision;
