"""The spaCy zh pipeline: jieba segmentation, sentences, and the facts component."""
