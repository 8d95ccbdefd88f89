/**
 * aiaas vision: convolutional networks ({@link dev.aiaas.vision.nn}); image I/O, transform and
 * augmentation pipelines and an image-formation model are to come.
 */
package dev.aiaas.vision;
