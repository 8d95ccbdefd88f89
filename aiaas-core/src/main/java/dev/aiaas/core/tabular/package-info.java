/**
 * Classifiers on tables: {@link dev.aiaas.core.tabular.TabularModel} holds a network together
 * with the {@link dev.aiaas.core.data.Preprocessor} fitted on its training rows, so that it takes
 * raw rows (text categories, unscaled numbers) and answers with the labels' own text; it is saved
 * and loaded as one model file.
 */
package dev.aiaas.core.tabular;
