"""The ideas half of `manage.py demo_data`: a few proposals the demo team discusses."""

from django.db import transaction

from library.services import find_reference
from wiki import changes

from .models import Comment, Idea, IdeaVote, Status
from .services import link_references, parse_reference_lines, record_status

# Who gave which idea a 👍 (by title).
VOTES = {
    "Sparse autoencoders on a small conv net": ["alice", "bob", "carol"],
    "Titans: memory at test time": ["carol", "dan"],
    "DeepSeek's mixture of experts and FP8 training": ["dan"],
}

# (title, status, proposer, tags, body, reference lines, members, comments as (author, body))
IDEAS = [
    (
        "Sparse autoencoders on a small conv net",
        Status.ACTIVE,
        "alice",
        ["interpretability", "sparse-autoencoders"],
        "Apply SAEs (or transcoders) to the activations of a small conv net such as AlexNet and study the "
        "features in depth.\n\n- start with one layer, dictionary size $8\\times$ the width\n"
        "- compare with what was found on InceptionV1",
        [
            "https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html | Anthropic's paper",
            "https://arxiv.org/pdf/2406.03662 | Paper on InceptionV1",
        ],
        ["alice", "bob"],
        [
            ("bob", "I can set up the activation dumps this week. **AlexNet conv2** first?"),
            (
                "alice",
                "Yes, conv2. Let's keep the L1 coefficient sweep small: $\\lambda \\in \\{1, 3, 10\\}$.",
            ),
            (
                "carol",
                "Happy to review the feature dashboards once there are some. @dan, want to pair on it?",
            ),
        ],
    ),
    (
        "Titans: memory at test time",
        Status.DISCUSSING,
        "carol",
        ["nlp-llms", "memory"],
        "Google's Titans architecture learns a neural long-term memory during inference. "
        "Not sure yet what we can do with it: maybe reproduce the needle-in-a-haystack results at small scale.",
        ["https://arxiv.org/abs/2501.00663 | Paper"],
        ["carol"],
        [("dan", "Is there an open implementation? Training from scratch sounds expensive.")],
    ),
    (
        "DeepSeek's mixture of experts and FP8 training",
        Status.PROPOSED,
        "dan",
        ["nlp-llms", "moe", "quantization"],
        "Explore the mechanisms DeepSeek-V3 uses (FP8 mixed precision, auxiliary-loss-free load balancing) "
        "and compare them on a toy MoE.",
        ["https://github.com/deepseek-ai/DeepSeek-V3 | Github", "https://arxiv.org/abs/2412.19437 | Paper"],
        [],
        [],
    ),
    (
        "Toy models of superposition, revisited",
        Status.DONE,
        "bob",
        ["interpretability"],
        "Reproduce the phase diagrams of the toy-models paper with our own small training loop.",
        ["https://transformer-circuits.pub/2022/toy_model/index.html | Paper"],
        ["bob", "alice"],
        [("alice", "Write-up is in the notebook; the phase change shows up nicely at sparsity 0.9.")],
    ),
]


# Discussions on papers of the demo library: (its link, comments as (author, body)).
REFERENCE_DISCUSSIONS = [
    (
        "https://transformer-circuits.pub/2024/scaling-monosemanticity/index.html",
        [
            (
                "bob",
                "The feature-splitting section is what our SAE idea needs. @carol, could you lead "
                "the journal club on it?",
            ),
            ("carol", "Yes! Next Thursday. Everyone read up to *Feature Survey* first, please."),
            (
                "alice",
                "The scaling laws for dictionary size (~$F \\propto C^{0.6}$) are worth a slide, @bob.",
            ),
        ],
    ),
    (
        "https://arxiv.org/abs/1706.03762",
        [("dan", "Still the clearest explanation of why attention is scaled by $1/\\sqrt{d_k}$.")],
    ),
]


@transaction.atomic
def build_reference_discussions(users):
    """Comments on the demo papers, once (mentions in them notify, as on the site)."""
    for url, comments in REFERENCE_DISCUSSIONS:
        reference = find_reference(url, "")
        if reference is None or reference.comments.exists():
            continue
        for name, text in comments:
            comment = Comment(reference=reference, author=users[name], body=text)
            with changes.change(comment, users[name]):
                comment.save()


@transaction.atomic
def build_ideas_demo(users):
    """Create the demo ideas once; returns how many were created."""
    created = 0
    for title, status, proposer, tags, body, lines, members, comments in IDEAS:
        if Idea.objects.filter(title=title).exists():
            continue
        author = users[proposer]
        specs, errors = parse_reference_lines("\n".join(lines))
        if errors:
            raise ValueError(f"Demo idea “{title}”: {errors}")
        idea = Idea(title=title, status=status, proposer=author, body=body)
        with changes.change(idea, author):
            idea.save()
            idea.tags.add(*tags)
            record_status(idea, "", author)
            link_references(idea, specs, author)
            idea.members.add(*(users[name] for name in members))
        for name, text in comments:
            comment = Comment(idea=idea, author=users[name], body=text)
            with changes.change(comment, users[name]):
                comment.save()
        created += 1
    for title, voters in VOTES.items():
        for name in voters:
            IdeaVote.objects.get_or_create(idea=Idea.objects.get(title=title), member=users[name])
    build_reference_discussions(users)
    return created
