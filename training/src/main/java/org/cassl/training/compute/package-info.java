/** Choosing where to compute (internal). */
package org.cassl.training.compute;
