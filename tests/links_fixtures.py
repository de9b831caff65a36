"""Markdown paper lists in none of the team's formats (written for the tests)."""

AWESOME_LIST = """# Awesome Interpretability [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)

![banner](https://example.org/banner.png)

A curated list of interpretability resources.

## Contents
- [Papers](#papers)
- [Tools](#tools)

## Papers

### Superposition
- [Toy Models of Superposition](https://transformer-circuits.pub/2022/toy_model/index.html) - Elhage et al., 2022.
  - [Follow-up: Superposition, Memorization, and Double Descent](https://transformer-circuits.pub/2023/toy-double-descent/index.html)
    - notes on the follow-up: [paper](https://arxiv.org/abs/2311.00117)
* [Scaling Monosemanticity](https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html "Anthropic, 2024")

### Circuits
1. [Zoom In: An Introduction to Circuits](https://distill.pub/2020/circuits/zoom-in/)
2. Induction heads, explained in https://transformer-circuits.pub/2022/in-context-learning-and-induction-heads/index.html.

## Tools
- [TransformerLens](https://github.com/TransformerLensOrg/TransformerLens) — a library for mechanistic interpretability
- [Contact us](mailto:team@example.org)
"""

TOP_PAPERS_TABLE = """# Top ML Papers of the Week

## Week 1 (Jan 6 - Jan 12)
| **Paper** | **Links** |
| ------------- | ------------- |
| 1) **Titans** - a new architecture with memory at test time. | [Paper](https://arxiv.org/abs/2501.00663), [Tweet](https://x.com/omarsar0/status/1) |
| 2) **Cache-Augmented Generation** - skip retrieval. | [Paper](https://arxiv.org/abs/2412.15605), [Code](https://github.com/hhhuang/CAG) |

## Week 2 (Jan 13 - Jan 19)
| Paper | Links |
|:---|:---:|
| Transformer² - self-adaptive LLMs | [Paper](https://arxiv.org/abs/2501.06252) |
| Titans again, linked twice | [Paper](https://arxiv.org/pdf/2501.00663v2) |
"""

PAPER_NOTES = """# My paper notes

## 2024

### Attention Is All You Need
Read it again for the group: https://arxiv.org/abs/1706.03762 — the Transformer.
Sinusoidal positions, [the annotated version](http://nlp.seas.harvard.edu/annotated-transformer/).

### Something without a title
[](https://openreview.net/forum?id=abc123)

```
a code block: https://not-a-reference.example.org/x
```

Plain paragraph with a relative link to [my draft](drafts/notes.md) and <https://lilianweng.github.io/posts/2018-02-19-rl-overview/>.
"""
