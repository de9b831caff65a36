"""Small files in the team's formats, written for the tests (never read from ../shared)."""

# The legend the team's reading log opens with.
LEGEND = """Legend:
- 📜: papers
- 📰: blog posts, project pages
- 📖: books
- 🌐: broad/general resources
- 🧪: code, experiments
- 📺: videos
"""

READING_LOG = (
    LEGEND
    + """
09/25/2024
- 📜[Attention Is All You Need](https://arxiv.org/pdf/1706.0376)
    - Re-read for the group: “multi-head” attention, $QK^T$ scaling
        - sinusoidal positions
- 📜[Scaling Monosemanticity: Extracting Interpretable Features from Claude 3 Sonnet](https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html)
- 🧪Experiments with local models: oobabooga & a1111

09/20/2024
- 🌐[EECS 498-007 Deep Learning for Computer Vision (Lectures 9-13)](https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2019/schedule.html)
    - CNN architectures, training I & II
- 🧪[ARENA 3.0, Chapter 1.3](https://arena3-chapter1-transformer-interp.streamlit.app/[1.3]_Indirect_Object_Identification)
- 🧪[My first FNN](./projects/fnn)
- 📰[A Visual Guide to Vision Transformers ](https://blog.mdturp.ch/posts/2024-04-05-visual_guide.html)

09/19/2024
- 🌐[EECS 498-007 Deep Learning for Computer Vision (Lectures 1-8)](https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2019/schedule.html)
- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)
    - Karpathy’s walk-through – bigram first"""
)

# An older snapshot of the same log: a subset of its entries.
OLDER_LOG = """Legend:
- 📜: papers
- 🌐: broad/general resources
- 📺: videos

09/19/2024
- 🌐[EECS 498-007 Deep Learning for Computer Vision (Lectures 1-8)](https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2019/schedule.html)
- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)
    - Karpathy’s walk-through – bigram first
"""

PAPERS = """# Deep Learning Papers

This directory contains curated research papers related to deep learning.

## Papers

### Scaling Monosemanticity

- **Authors**: Adly Templeton*, Tom Conerly*, Chris Olah
- **Affiliation**: Anthropic
- **Published**: May 21, 2024
- **Link**: [Scaling Monosemanticity](https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html)
- **Summary**: Sparse autoencoders scale to Claude 3 Sonnet.

### Attention Is All You Need

- **Authors**: Ashish Vaswani*, Noam Shazeer*, Aidan N. Gomez†, Łukasz Kaiser*
- **Affiliations**: Google Brain, Google Research, University of Toronto
- **Published**: June 12, 2017 (31st Conference on Neural Information Processing Systems, NIPS 2017)
- **Link**: [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
- **Summary**: The Transformer, based solely on attention mechanisms.
"""

# The same README before it knew Attention's summary and affiliation, with one title that differs.
PAPERS_EARLIER = """# Deep Learning Papers

## Papers

### Attention Is All You Need

- **Authors**: Ashish Vaswani*, Noam Shazeer*, Aidan N. Gomez†, Łukasz Kaiser*
- **Published**: June 12, 2017
- **Link**: [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
"""

IDEAS = """# IDL Project

Currently just a repository to share papers, references, etc!

# Ideas and References

## Safety / Interpretability / Alignment
The basic target is to learn how deep learning models work.

1. **Interpretability** Playing around with toy monosemanticity models, it could be cool. [Paper](https://transformer-circuits.pub/2022/toy_model/index.html)
2. **Intepretability** Some proposals by [Apollo](https://www.lesswrong.com/posts/KfkpgXdgRheSRWDy8/a-list)
    - This one seems doable. [Apply SAEs to a small conv net (e.g. Alex Net)](https://www.lesswrong.com/posts/KfkpgXdgRheSRWDy8/a-list#:~:text=Apply%20SAEs%20(e.g.%20Alex%20Net)) Someone tried InceptionV1 [Paper](https://arxiv.org/pdf/2406.03662)
    - and several others.

## NLP and LLMs  
1. **NLP / LLMs** Titans architecture - Google new architecture with memory at inference. [Paper](https://arxiv.org/abs/2501.00663)
2. **NLP / LLMs** Explore the mechanisms used by Deepseek (e.g. quantization to 8bits, mixture of experts), compare them. [Github](https://github.com/deepseek-ai/DeepSeek-V3).
"""


def mac_roman_mojibake(text):
    """UTF-8 opened as Mac Roman and saved again as UTF-8, like the team's 003 file."""
    return text.encode("utf-8").decode("mac_roman").encode("utf-8")


def windows_1254_mojibake(text):
    """UTF-8 opened as Windows-1254 and saved again, bytes that code page lacks dropped (004)."""
    kept = []
    for byte in text.encode("utf-8"):
        try:
            kept.append(bytes([byte]).decode("cp1254"))
        except UnicodeDecodeError:
            continue  # lost for good, as in the team's file
    return "".join(kept).encode("utf-8")
