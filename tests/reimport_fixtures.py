"""Versions of a reading log and an ideas file as a team edits them over weeks (written for the tests)."""

from tests.formats_fixtures import LEGEND

EECS = "https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2019/schedule.html"

LOG_V1 = (
    LEGEND
    + """
09/25/2024
- 📜[Attention Is All You Need](https://arxiv.org/abs/1706.03762)
    - Multi-head attention
        - scaled by $\\sqrt{d_k}$
- 📰[A Visual Guide to Vision Transformers](https://blog.mdturp.ch/posts/2024-04-05-visual_guide.html)

09/20/2024
- 📜[Scaling Monosemanticity](https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html)
    - Features of Claude 3 Sonnet
- 📜[LLMs Still Can't Plan](https://arxiv.org/pdf/2409.1337)
- 🧪[My first FNN](./projects/fnn)

09/19/2024
- 🌐[EECS 498-007 (Lectures 1-8)]("""
    + EECS
    + """)
- 🌐[EECS 498-007 (Lectures 9-13)]("""
    + EECS
    + """)
- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)
"""
)

# Days later: notes added, a nested point reworded, a title corrected, an entry put in between.
LOG_V2 = (
    LOG_V1.replace(
        "- 📰[A Visual Guide to Vision Transformers](https://blog.mdturp.ch/posts/2024-04-05-visual_guide.html)\n",
        "- 📰[A Visual Guide to Vision Transformers](https://blog.mdturp.ch/posts/2024-04-05-visual_guide.html)\n"
        "    - Patches as tokens, explained with pictures\n",
    )
    .replace("        - scaled by $\\sqrt{d_k}$", "        - each head scaled by $\\sqrt{d_k}$")
    .replace("[Scaling Monosemanticity](", "[Scaling Monosemanticity: Extracting Interpretable Features](")
    .replace(
        "- 🧪[My first FNN](./projects/fnn)\n",
        "- 📜[Training Language Models to Self-Correct](https://arxiv.org/pdf/2409.12917)\n"
        "- 🧪[My first FNN](./projects/fnn)\n",
    )
)

# Later still: a link corrected, an entry moved to another day, a sub-point added, a new day.
LOG_V3 = (
    LOG_V2.replace("https://arxiv.org/pdf/2409.1337)", "https://arxiv.org/pdf/2409.13373)")
    .replace("- 🧪[My first FNN](./projects/fnn)\n", "")
    .replace(
        "- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)\n",
        "- 📺[Let's build GPT](https://www.youtube.com/watch?v=kCc8FmEb1nY)\n"
        "- 🧪[My first FNN](./projects/fnn)\n"
        "    - two layers, numpy only\n",
    )
    .replace(
        "    - Features of Claude 3 Sonnet\n",
        "    - Features of Claude 3 Sonnet\n        - some about deception and bias\n",
    )
    .replace(
        "\n09/25/2024\n",
        "\n10/02/2024\n- 📜[NVLM: Open Frontier-Class Multimodal LLMs](https://arxiv.org/pdf/2409.11402v1)\n\n09/25/2024\n",
    )
)

LOG_VERSIONS = [LOG_V1, LOG_V2, LOG_V3]


IDEAS_V1 = """# IDL Project

Currently just a repository to share papers, references, etc! 

# Ideas and References

## Safety / Interpretability / Alignment
The basic target is to learn how deep learning models work. 

1. **Interpretability** Playing around with toy monosemanticity models, it could be cool. [Paper](https://transformer-circuits.pub/2022/toy_model/index.html)
2. **Safety** Reproducing results from removing fine tuning from open source models, such as: [Llama 3](https://arxiv.org/abs/2407.01376)

## NLP and LLMs  
1. **NLP / LLMs** Titans architecture - Google new architecture with memory at inference. [Paper](https://arxiv.org/abs/2501.00663)
"""

# Sub-points and a new idea added, a wording corrected.
IDEAS_V2 = (
    IDEAS_V1.replace(
        "[Llama 3](https://arxiv.org/abs/2407.01376)\n",
        "[Llama 3](https://arxiv.org/abs/2407.01376), [Llama 2](https://arxiv.org/abs/2311.00117)\n"
        "    - Start with the 8B model\n",
    )
    .replace("it could be cool.", "it could be cool to see how neurons store information.")
    .replace(
        "[Paper](https://arxiv.org/abs/2501.00663)\n",
        "[Paper](https://arxiv.org/abs/2501.00663)\n"
        "2. **NLP / LLMs** Explore how models cite the documents they are given. https://docs.anthropic.com/en/docs/build-with-claude/citations\n",
    )
)

# A numbered sub-point, an idea moved between, a new area of notes.
IDEAS_V3 = (
    IDEAS_V2.replace(
        "    - Start with the 8B model\n",
        "    - Start with the 8B model\n       1. Additional thoughts: compare with [Llama 2](https://arxiv.org/abs/2311.00117)\n",
    )
    + """
## Not exactly project ideas/topics
- Reading group every Friday
- Slides go in [the drive](https://drive.example.org/idl)
"""
)

IDEAS_VERSIONS = [IDEAS_V1, IDEAS_V2, IDEAS_V3]

# Every construct of the team's newer ideas file, each once.
AS_THE_TEAM_WRITES_IT = """# IDL Project

- [] TODO: move the ideas to the wiki
- [x] share the reading log

Currently just a repository to share papers, references, etc!   

# Ideas and References

## Safety / Interpretability / Alignment
The basic target is to learn how deep learning models work.  


1. **Interpretability** *Easy* Playing around with toy monosemanticity models. https://transformer-circuits.pub/2022/toy_model/index.html
   1. Additional thoughts: look at superposition first
   2. Then the [circuits thread](https://distill.pub/2020/circuits/zoom-in/)
  - two spaces in
    - four spaces in
      - six spaces in, see https://arxiv.org/abs/2406.03662.
![](attachments/toy-model.png)
2. **Safety** Reproducing results from removing fine tuning from open source models,
   continued on an indented line, such as [Llama 3](https://arxiv.org/abs/2407.01376)



    - a sub-point after three blank lines (https://www.lesswrong.com/posts/KfkpgXdgRheSRWDy8/a-list)

## Not exactly project ideas/topics
- Reading group every Friday, slides on [the drive](https://drive.example.org/idl)
    - nested note
"""
