"""OCR: rasterise, preprocess, recognise, outputs, quality: plain functions, a page in, files out."""
