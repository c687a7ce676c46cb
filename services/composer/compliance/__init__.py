"""The compliance checker: rules measured on the rendered ad, its stems and its narration timings."""
