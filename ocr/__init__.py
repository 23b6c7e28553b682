"""OCR of Vietnamese scans: rasterise, preprocess, recognise, write outputs. A page in, files out."""
