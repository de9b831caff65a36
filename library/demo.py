"""The library half of `manage.py demo_data`: a small, believable team and what it reads.

Facts about real papers (titles, authors, links, dates) are real; summaries and notes are
written for this project. Everything is looked up before it is created, so running it twice
adds nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from wiki import changes

from .models import Kind, LogEntry, Pick, QueueItem, Reference, UpNextVote
from .services import find_reference

DEMO_PASSWORD = "idl-demo-2026"

# username: (first name, last name, is curator)
TEAM = {
    "alice": ("Alice", "Martin", True),
    "bob": ("Bob", "Okafor", False),
    "carol": ("Carol", "Nguyen", False),
    "dan": ("Dan", "Kowalski", False),
}

D = datetime.date

# fmt: off

# (kind, title, url, authors, affiliation, published, venue, tags, summary, added by)
REFERENCES = [
    (Kind.PAPER, "Attention Is All You Need", "https://arxiv.org/abs/1706.03762",
     "Ashish Vaswani*, Noam Shazeer*, Niki Parmar*, Jakob Uszkoreit*, Llion Jones*, Aidan N. Gomez*, Łukasz Kaiser*, Illia Polosukhin*",
     "Google Brain, Google Research, University of Toronto", D(2017, 6, 12),
     "31st Conference on Neural Information Processing Systems (NIPS 2017)", ["transformers", "nlp-llms"],
     "The Transformer: self-attention only, no recurrence.\n\n"
     "- scaled dot-product attention $\\mathrm{softmax}(QK^T/\\sqrt{d_k})V$\n"
     "- multi-head attention, sinusoidal positions\n- faster to train and better BLEU than RNNs",
     "alice"),
    (Kind.PAPER, "Deep Residual Learning for Image Recognition", "https://arxiv.org/abs/1512.03385",
     "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun", "Microsoft Research", D(2015, 12, 10),
     "CVPR 2016", ["computer-vision", "architectures"],
     "Skip connections let a layer learn a residual $F(x) = H(x) - x$, so very deep nets train.", "bob"),
    (Kind.PAPER, "Adam: A Method for Stochastic Optimization", "https://arxiv.org/abs/1412.6980",
     "Diederik P. Kingma, Jimmy Ba", "University of Amsterdam, University of Toronto", D(2014, 12, 22),
     "ICLR 2015", ["optimization"],
     "First and second moment estimates with bias correction; the default optimizer for a decade.", "carol"),
    (Kind.PAPER, "Scaling Monosemanticity: Extracting Interpretable Features from Claude 3 Sonnet",
     "https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html",
     "Adly Templeton*, Tom Conerly*, Jonathan Marcus, Jack Lindsey, Trenton Bricken, …", "Anthropic",
     D(2024, 5, 21), "", ["interpretability", "sparse-autoencoders"],
     "Sparse autoencoders scale to a production model and find millions of features, "
     "many abstract and multilingual. Feature steering works.", "alice"),
    (Kind.PAPER, "Towards Monosemanticity: Decomposing Language Models With Dictionary Learning",
     "https://transformer-circuits.pub/2023/monosemantic-features/index.html",
     "Trenton Bricken*, Adly Templeton*, Joshua Batson*, Brian Chen*, Adam Jermyn*, …", "Anthropic",
     D(2023, 10, 4), "", ["interpretability", "sparse-autoencoders"],
     "Dictionary learning on a one-layer transformer's MLP turns polysemantic neurons into "
     "interpretable features.", "alice"),
    (Kind.PAPER, "Toy Models of Superposition", "https://transformer-circuits.pub/2022/toy_model/index.html",
     "Nelson Elhage*, Tristan Hume*, Catherine Olsson*, …, Christopher Olah", "Anthropic", D(2022, 9, 14),
     "", ["interpretability"],
     "Small ReLU networks store more sparse features than they have dimensions; phase changes "
     "between superposition and not.", "bob"),
    (Kind.PAPER, "Titans: Learning to Memorize at Test Time", "https://arxiv.org/abs/2501.00663",
     "Ali Behrouz, Peilin Zhong, Vahab Mirrokni", "Google Research", D(2024, 12, 31), "",
     ["nlp-llms", "memory"],
     "A neural long-term memory module that keeps learning during inference, driven by a "
     "*surprise* signal (the gradient of the memory's loss).", "carol"),
    (Kind.PAPER, "DeepSeek-V3 Technical Report", "https://arxiv.org/abs/2412.19437", "DeepSeek-AI",
     "DeepSeek", D(2024, 12, 27), "", ["nlp-llms", "moe", "quantization"],
     "671B-parameter MoE with 37B active; FP8 mixed-precision training, multi-token prediction and "
     "auxiliary-loss-free load balancing.", "dan"),
    (Kind.PAPER, "Denoising Diffusion Probabilistic Models", "https://arxiv.org/abs/2006.11239",
     "Jonathan Ho, Ajay Jain, Pieter Abbeel", "UC Berkeley", D(2020, 6, 19), "NeurIPS 2020",
     ["generative", "diffusion"],
     "Train a network to predict the noise $\\epsilon$ added at step $t$; sampling reverses the chain.", "carol"),
    (Kind.PAPER, "Language Models are Few-Shot Learners", "https://arxiv.org/abs/2005.14165",
     "Tom B. Brown, Benjamin Mann, Nick Ryder, Melanie Subbiah, …", "OpenAI", D(2020, 5, 28), "NeurIPS 2020",
     ["nlp-llms"], "GPT-3: 175B parameters, in-context learning from a handful of examples.", "dan"),
    (Kind.PAPER, "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
     "https://arxiv.org/abs/2010.11929", "Alexey Dosovitskiy, Lucas Beyer, Alexander Kolesnikov, …",
     "Google Research, Brain Team", D(2020, 10, 22), "ICLR 2021", ["computer-vision", "transformers"],
     "ViT: split the image into patches, embed them, and use a plain transformer encoder.", "bob"),
    (Kind.PAPER, "LoRA: Low-Rank Adaptation of Large Language Models", "https://arxiv.org/abs/2106.09685",
     "Edward J. Hu*, Yelong Shen*, Phillip Wallis, Zeyuan Allen-Zhu, …", "Microsoft", D(2021, 6, 17),
     "ICLR 2022", ["nlp-llms", "fine-tuning"],
     "Freeze the weights and learn $W + BA$ with rank $r \\ll d$; a fraction of the trainable parameters.",
     "dan"),
    (Kind.PAPER, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
     "https://arxiv.org/abs/2312.00752", "Albert Gu*, Tri Dao*", "Carnegie Mellon University, Princeton University",
     D(2023, 12, 1), "", ["architectures", "state-space-models"],
     "Input-dependent SSM parameters plus a hardware-aware scan; linear in sequence length.", "carol"),
    (Kind.PAPER, "Interpretability in the Wild: a Circuit for Indirect Object Identification in GPT-2 small",
     "https://arxiv.org/abs/2211.00593", "Kevin Wang, Alexandre Variengien, Arthur Conmy, Buck Shlegeris, Jacob Steinhardt",
     "Redwood Research, UC Berkeley", D(2022, 11, 1), "ICLR 2023", ["interpretability", "circuits"],
     "26 attention heads in 7 classes explain how GPT-2 small completes “When Mary and John went to "
     "the store, John gave a drink to …”.", "alice"),
    (Kind.PAPER, "The Unreasonable Effectiveness of Recurrent Neural Networks",
     "https://karpathy.github.io/2015/05/21/rnn-effectiveness/", "Andrej Karpathy", "", D(2015, 5, 21), "",
     ["nlp-llms", "rnn"], "", "bob"),
    (Kind.POST, "Understanding LSTM Networks", "https://colah.github.io/posts/2015-08-Understanding-LSTMs/",
     "Christopher Olah", "", D(2015, 8, 27), "", ["rnn"],
     "The clearest walk through the cell state and the three gates.", "bob"),
    (Kind.POST, "The Illustrated Transformer", "https://jalammar.github.io/illustrated-transformer/",
     "Jay Alammar", "", D(2018, 6, 27), "", ["transformers"], "", "carol"),
    (Kind.POST, "Neural Networks, Manifolds, and Topology",
     "https://colah.github.io/posts/2014-03-NN-Manifolds-Topology/", "Christopher Olah", "", D(2014, 4, 6), "",
     ["theory"], "", "alice"),
    (Kind.POST, "Zoom In: An Introduction to Circuits", "https://distill.pub/2020/circuits/zoom-in/",
     "Chris Olah, Nick Cammarata, Ludwig Schubert, Gabriel Goh, Michael Petrov, Shan Carter", "OpenAI",
     D(2020, 3, 10), "Distill", ["interpretability", "circuits"],
     "Features are the fundamental unit; circuits connect them through weights.", "alice"),
    (Kind.BOOK, "Deep Learning", "https://www.deeplearningbook.org/",
     "Ian Goodfellow, Yoshua Bengio, Aaron Courville", "", D(2016, 11, 18), "MIT Press",
     ["textbook"], "", "carol"),
    (Kind.BOOK, "Dive into Deep Learning", "https://d2l.ai/",
     "Aston Zhang, Zachary C. Lipton, Mu Li, Alexander J. Smola", "", None, "Cambridge University Press",
     ["textbook"], "Interactive, with runnable notebooks in PyTorch.", "dan"),
    (Kind.BOOK, "Understanding Deep Learning", "https://udlbook.github.io/udlbook/", "Simon J. D. Prince", "",
     D(2023, 12, 5), "MIT Press", ["textbook", "theory"], "", "bob"),
    (Kind.RESOURCE, "EECS 498-007 / 598-005: Deep Learning for Computer Vision",
     "https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2020/", "Justin Johnson",
     "University of Michigan", None, "", ["computer-vision", "course"],
     "The whole course, lectures and assignments; we follow it one block at a time.", "alice"),
    (Kind.RESOURCE, "Neural Networks: Zero to Hero", "https://karpathy.ai/zero-to-hero.html",
     "Andrej Karpathy", "", None, "", ["course", "nlp-llms"], "", "dan"),
    (Kind.RESOURCE, "ARENA: Alignment Research Engineer Accelerator", "https://arena3-chapter1-transformer-interp.streamlit.app/",
     "Callum McDougall", "", None, "", ["interpretability", "course"], "", "alice"),
    (Kind.CODE, "Feedforward net from scratch", "./projects/fnn", "", "", None, "", ["experiments"],
     "Our NumPy-only MLP on MNIST: forward, backward, SGD. 97.8 % test accuracy.", "bob"),
    (Kind.CODE, "nanoGPT", "https://github.com/karpathy/nanoGPT", "Andrej Karpathy", "", None, "",
     ["nlp-llms", "experiments"], "", "dan"),
    (Kind.CODE, "TransformerLens", "https://github.com/TransformerLensOrg/TransformerLens", "Neel Nanda", "", None,
     "", ["interpretability", "tools"], "Hooks on every activation of GPT-style models.", "alice"),
    (Kind.VIDEO, "Let's build GPT: from scratch, in code, spelled out",
     "https://www.youtube.com/watch?v=kCc8FmEb1nY", "Andrej Karpathy", "", D(2023, 1, 17), "",
     ["nlp-llms", "transformers"], "", "carol"),
    (Kind.VIDEO, "But what is a neural network?", "https://www.youtube.com/watch?v=aircAruvnKk",
     "Grant Sanderson (3Blue1Brown)", "", D(2017, 10, 5), "", ["basics"], "", "dan"),
    (Kind.VIDEO, "Stanford CS25: Transformers United", "https://www.youtube.com/playlist?list=PLoROMvodv4rNiJRchCzutFw5ItR_Z27CM",
     "Stanford", "", None, "", ["transformers", "course"], "", "carol"),
]

# (days ago, reader, reference url, title as logged, notes, tags)
LOG = [
    (0, "alice", "https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html",
     "Scaling Monosemanticity: Extracting Interpretable Features from Claude 3 Sonnet",
     "Features for the Golden Gate Bridge, code bugs, sycophancy.\n- dictionary sizes 1M, 4M, 34M\n"
     "    - dead features grow with size", ["sparse-autoencoders"]),
    (0, "bob", "https://github.com/TransformerLensOrg/TransformerLens", "", "Set up the hooks for the SAE project.", []),
    (1, "carol", "https://arxiv.org/abs/2501.00663", "", "Memory as a context / gate / layer: three variants.", []),
    (1, "dan", "https://arxiv.org/abs/2412.19437", "", "Section 3.3 on FP8: fine-grained quantization per 1x128 tile.", ["quantization"]),
    (2, "alice", "https://arxiv.org/abs/2211.00593", "", "Name mover heads, S-inhibition heads, duplicate token heads.", ["circuits"]),
    (3, "bob", "https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2020/",
     "EECS 498-007 / 598-005: Deep Learning for Computer Vision (Lectures 9-13)",
     "- hardware and software\n- training neural networks I & II\n- recurrent networks", ["course"]),
    (4, "carol", "https://jalammar.github.io/illustrated-transformer/", "", "", []),
    (5, "dan", "https://www.youtube.com/watch?v=kCc8FmEb1nY", "", "Followed along in a notebook; the bigram baseline first.", []),
    (6, "alice", "https://transformer-circuits.pub/2023/monosemantic-features/index.html", "",
     "The interface is as good as the paper.", []),
    (7, "bob", "https://arxiv.org/abs/1512.03385", "", "Identity shortcuts vs projection shortcuts (options A/B/C).", []),
    (8, "carol", "https://arxiv.org/abs/2312.00752", "", "Selective scan $h_t = \\bar A h_{t-1} + \\bar B x_t$.", []),
    (9, "dan", "https://arxiv.org/abs/2106.09685", "", "", []),
    (10, "alice", "https://distill.pub/2020/circuits/zoom-in/", "", "Curve detectors!", []),
    (10, "bob", "https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2020/",
     "EECS 498-007 / 598-005: Deep Learning for Computer Vision (Lectures 5-8)",
     "- neural networks\n- backpropagation\n- CNN architectures", ["course"]),
    (12, "carol", "https://arxiv.org/abs/2006.11239", "", "The simplified loss $\\|\\epsilon - \\epsilon_\\theta(x_t, t)\\|^2$ works best.", []),
    (13, "dan", "https://karpathy.ai/zero-to-hero.html", "", "micrograd and makemore part 1.", []),
    (14, "alice", "https://transformer-circuits.pub/2022/toy_model/index.html", "", "", []),
    (15, "bob", "./projects/fnn", "", "Backprop checked against finite differences.", ["experiments"]),
    (17, "carol", "https://arxiv.org/abs/1706.03762", "", "Re-read for the reading group.", []),
    (18, "dan", "https://www.youtube.com/watch?v=aircAruvnKk", "", "", []),
    (20, "alice", "https://arena3-chapter1-transformer-interp.streamlit.app/", "", "Chapter 1.2, induction heads.", []),
    (21, "bob", "https://colah.github.io/posts/2015-08-Understanding-LSTMs/", "", "", []),
    (23, "carol", "https://udlbook.github.io/udlbook/", "", "Chapters 1-4.", ["textbook"]),
    (24, "dan", "https://github.com/karpathy/nanoGPT", "", "Trained the Shakespeare char model on the laptop.", []),
    (26, "alice", "https://colah.github.io/posts/2014-03-NN-Manifolds-Topology/", "", "", []),
    (28, "bob", "https://web.eecs.umich.edu/~justincj/teaching/eecs498/FA2020/",
     "EECS 498-007 / 598-005: Deep Learning for Computer Vision (Lectures 1-4)",
     "- image classification\n- linear classifiers\n- optimization", ["course"]),
    (30, "carol", "https://arxiv.org/abs/1412.6980", "", "", []),
    (33, "dan", "https://arxiv.org/abs/2005.14165", "", "Section 3 results tables.", []),
    (36, "alice", "https://arxiv.org/abs/2010.11929", "", "", []),
    (40, "bob", "https://karpathy.github.io/2015/05/21/rnn-effectiveness/", "", "", []),
    (44, "carol", "https://www.deeplearningbook.org/", "", "Chapter 8, optimization.", ["textbook"]),
    (47, "dan", "https://d2l.ai/", "", "", []),
    (51, "alice", "https://www.youtube.com/playlist?list=PLoROMvodv4rNiJRchCzutFw5ItR_Z27CM", "", "", []),
    (55, "bob", "https://arxiv.org/abs/1706.03762", "", "", []),
    (60, "carol", "https://transformer-circuits.pub/2022/toy_model/index.html", "", "", []),
    (66, "dan", "https://arxiv.org/abs/1512.03385", "", "", []),
    (73, "alice", "https://www.deeplearningbook.org/", "", "Chapter 6.", ["textbook"]),
    (80, "bob", "https://d2l.ai/", "", "", []),
    (95, "carol", "https://colah.github.io/posts/2015-08-Understanding-LSTMs/", "", "", []),
    (120, "dan", "https://jalammar.github.io/illustrated-transformer/", "", "", []),
]
# What each member means to read next, in their order (reference urls).
QUEUES = {
    "alice": ["https://arxiv.org/abs/2312.00752", "https://arxiv.org/abs/2501.00663", "https://arxiv.org/abs/2006.11239"],
    "bob": ["https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html", "https://arxiv.org/abs/2412.19437"],
    "carol": ["https://arxiv.org/abs/2211.00593", "https://arxiv.org/abs/1512.03385"],
    "dan": ["https://transformer-circuits.pub/2022/toy_model/index.html"],
}
# Who wants the team to read what together (the "up next" list).
UP_NEXT_VOTES = {
    "https://arxiv.org/abs/2312.00752": ["alice", "bob", "dan"],
    "https://arxiv.org/abs/2412.19437": ["bob", "dan"],
    "https://arxiv.org/abs/2501.00663": ["carol"],
    "https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html": ["alice", "carol"],
    "https://arxiv.org/abs/1706.03762": ["carol", "bob"],
}
# Sessions' picks: (days from today, reference url); one past session, one to come.
PICKS = [(-7, "https://arxiv.org/abs/1706.03762"), (7, "https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html")]
# fmt: on


def ensure_team():
    """The demo members, created once with the demo password; returns {username: user}."""
    User = get_user_model()
    users = {}
    for username, (first, last, curator) in TEAM.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": curator,
                "is_superuser": curator,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
    return users


@transaction.atomic
def build_library_demo():
    """Create the demo team, references and log; returns (users, references created, entries created)."""
    users = ensure_team()
    refs_created = 0
    by_url = {}
    for kind, title, url, authors, affiliation, published, venue, tags, summary, adder in REFERENCES:
        reference = find_reference(url, title)
        if reference is None:
            reference = Reference(
                kind=kind,
                title=title,
                url=url,
                authors=authors,
                affiliation=affiliation,
                published=published,
                venue=venue,
                summary=summary,
                added_by=users[adder],
            )
            with changes.change(reference, users[adder]):
                reference.save()
                reference.tags.add(*tags)
            refs_created += 1
        by_url[url] = reference

    today = timezone.localdate()
    entries_created = 0
    for days_ago, reader, url, logged_title, notes, tags in LOG:
        reference = by_url[url]
        logged_title = "" if logged_title == reference.title else logged_title
        # Keyed without the date, which moves with today: a rerun next week still adds nothing.
        if LogEntry.objects.filter(
            reader=users[reader], reference=reference, logged_title=logged_title
        ).exists():
            continue
        entry = LogEntry(
            reader=users[reader],
            reference=reference,
            read_on=today - datetime.timedelta(days=days_ago),
            logged_title=logged_title,
            notes=notes,
        )
        with changes.change(entry, users[reader]):
            entry.save()
            entry.tags.add(*tags)
        entries_created += 1
    build_plans_demo(users, by_url, today)
    return users, refs_created, entries_created


def build_plans_demo(users, by_url, today):
    """Queues, up-next votes and a past and an upcoming pick; what is there already stays."""
    for username, urls in QUEUES.items():
        for url in urls:
            QueueItem.objects.get_or_create(
                member=users[username], reference=by_url[url], defaults={"position": urls.index(url)}
            )
    for url, voters in UP_NEXT_VOTES.items():
        for username in voters:
            UpNextVote.objects.get_or_create(member=users[username], reference=by_url[url])
    for days, url in PICKS:
        session = today + datetime.timedelta(days=days)
        if not by_url[url].picks.exists() and not Pick.objects.filter(session=session).exists():
            Pick.objects.create(reference=by_url[url], session=session, picked_by=users["alice"])
