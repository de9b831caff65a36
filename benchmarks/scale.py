"""`manage.py demo_data --scale N`: a large synthetic team wiki, built fast, for benchmarks.

For N references it makes 3N log entries, N/100 ideas (1–8 references and a few members
each, with their status history), N/2 comments (Zipf-like: at N=100,000 the busiest idea has
a few thousand, dozens have 200+), 50 members (member01…member50, member01 staff) and 500
tags spread Zipf-like over references, entries and ideas. Everything goes in with
bulk_create in one transaction; then the search index, if there is one, is rebuilt.

Speed: rendering markdown costs about a millisecond a text, far too much for 450,000 of them.
So every markdown text is a few blocks (a paragraph, a list) drawn from a pool rendered once,
and its HTML is the rendered blocks joined by newlines, which is exactly what rendering the
whole text gives (the tests check it). Timestamps are set by the builder: the auto_now fields
are switched off while it inserts.

Synthetic references are recognisable by their identity: arXiv ids whose month is 90–99
(no real arXiv id has one) or urls on the reserved .example domain. A second run with the
same N finds them and adds nothing; a larger N adds only the missing ones.
"""

import bisect
import contextlib
import datetime
import itertools
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from ideas.models import RESERVED_SLUGS, Area, Comment, Idea, IdeaReference, Status, StatusChange
from library.bibtex import derived
from library.demo import DEMO_PASSWORD
from library.identity import identity_key, normalize_title
from library.models import Kind, LogEntry, Reference
from wiki.rendering import render_markdown
from wiki.search import rebuild_index

MEMBERS = 50
TAGS = 500
BATCH = 5000
SQLITE_CACHE_KB = 512 * 1024
SYNTHETIC_IDENTITY = r"^(arxiv:[0-9]{2}9[0-9]\.[0-9]{5}|[a-z0-9.-]+\.example/.+)$"

# fmt: off

TOPICS = [
    "sparse autoencoders", "attention", "self-attention", "diffusion models", "mixture of experts",
    "transformers", "state space models", "contrastive learning", "graph neural networks",
    "vision transformers", "language models", "normalizing flows", "variational autoencoders",
    "knowledge distillation", "quantization", "low-rank adaptation", "retrieval-augmented generation",
    "in-context learning", "chain-of-thought reasoning", "neural radiance fields", "speech recognition",
    "protein structure prediction", "world models", "policy gradients", "mechanistic interpretability",
    "superposition", "induction heads", "tokenization", "positional encodings", "batch normalization",
    "layer normalization", "residual networks", "convolutional networks", "recurrent networks",
    "meta-learning", "federated learning", "adversarial robustness", "self-supervised learning",
    "masked autoencoders", "flow matching", "score matching", "energy-based models", "scaling laws",
    "learning rate schedules", "dropout", "pruning", "speculative decoding", "KV caching",
    "linear attention", "long-term memory", "test-time training", "multimodal models", "reward models",
    "preference optimization", "circuit discovery", "feature steering", "activation patching",
    "linear probes", "dictionary learning", "weight decay", "grokking", "double descent",
    "lottery tickets", "neural tangent kernels", "curriculum learning", "data augmentation",
    "reinforcement learning from human feedback", "offline reinforcement learning", "model-based planning",
    "Monte Carlo tree search", "text-to-image generation", "video generation", "audio tokenizers",
    "optimizers", "second-order optimization", "gradient clipping", "mixed-precision training",
    "FP8 training", "pipeline parallelism", "tensor parallelism", "sparse attention", "rotary embeddings",
    "continual learning", "catastrophic forgetting", "uncertainty estimation", "Bayesian deep learning",
    "Gaussian processes", "object detection", "semantic segmentation", "image captioning",
    "machine translation", "code generation", "theorem proving", "tool use", "agents",
]
ADJECTIVES = [
    "Efficient", "Scalable", "Robust", "Sparse", "Provable", "Simple", "Fast", "Adaptive",
    "Hierarchical", "Causal", "Contrastive", "Differentiable", "Interpretable", "Stable", "Unified",
    "Latent", "Conditional", "Multi-scale", "Memory-efficient", "Self-supervised", "Linear-time",
]
TASKS = [
    "long-context retrieval", "image classification", "language modeling", "protein design",
    "code completion", "question answering", "summarization", "robot control", "molecule generation",
    "weather forecasting", "speech synthesis", "mathematical reasoning", "video understanding",
    "recommendation", "anomaly detection", "few-shot classification", "open-vocabulary detection",
]
PROPERTIES = [
    "expressivity", "generalization", "sample efficiency", "stability", "calibration", "robustness",
    "sparsity", "geometry", "implicit bias", "training dynamics", "loss landscape", "emergence",
]
NAME_PARTS = (
    ["Flash", "Sparse", "Hyper", "Mega", "Tiny", "Deep", "Meta", "Mamba", "Orca", "Lumen", "Vortex",
     "Nova", "Quasar", "Echo", "Atlas", "Prism", "Helix", "Delta", "Sigma", "Kappa"],
    ["Former", "Net", "MoE", "Diff", "Flow", "GPT", "BERT", "Mixer", "Coder", "Zero", "LM", "ViT",
     "Gate", "Attn", "SAE", "Planner", "Probe", "Fuse", "Shift", "Scope"],
)
TITLE_TEMPLATES = [
    "{adj} {topic} for {task}",
    "{name}: {adj} {topic} for {task}",
    "On the {property} of {topic}",
    "{topic_cap} Is All You Need for {task}",
    "Scaling {topic} to {size} Parameters",
    "Understanding {topic} through {topic2}",
    "Towards {adj2} {topic}",
    "{name}: Combining {topic} and {topic2}",
    "What Do {topic_cap} Learn? A Study of {property}",
    "{adj} {topic} Without {topic2}",
    "Revisiting {topic} in the Age of {topic2}",
    "{name}-{num}B: {topic_cap} at Scale",
]
FIRST_NAMES = [
    "Ada", "Ali", "Amara", "Ana", "Arjun", "Ben", "Bo", "Carla", "Chen", "Dana", "David", "Elena",
    "Emeka", "Eva", "Farah", "Felix", "Greta", "Hana", "Hugo", "Ines", "Ivan", "Jae", "Jana", "Jonas",
    "Kai", "Kenji", "Lara", "Leo", "Lina", "Luca", "Maya", "Mei", "Mila", "Nadia", "Nikolai", "Noah",
    "Omar", "Paula", "Priya", "Quentin", "Rafael", "Rosa", "Sami", "Sara", "Tariq", "Tomas", "Uma",
    "Vera", "Wei", "Yara", "Yusuf", "Zoe",
]
LAST_NAMES = [
    "Abe", "Alvarez", "Baker", "Becker", "Chen", "Costa", "Dubois", "Eze", "Fischer", "Garcia",
    "Gupta", "Haddad", "Ito", "Jansen", "Kim", "Kowalski", "Larsen", "Li", "Martin", "Mensah",
    "Moreau", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rossi",
    "Sato", "Schmidt", "Silva", "Singh", "Tanaka", "Torres", "Ueda", "Varga", "Wang", "Weber",
    "Yilmaz", "Zhang",
]
AFFILIATIONS = [
    "", "", "Google DeepMind", "Anthropic", "OpenAI", "Meta AI", "Microsoft Research", "Mila",
    "Stanford University", "MIT", "UC Berkeley", "ETH Zurich", "University of Toronto", "EPFL",
    "Tsinghua University", "University of Oxford", "Carnegie Mellon University", "INRIA", "DeepSeek",
    "Allen Institute for AI", "Hugging Face", "EleutherAI",
]
VENUES = ["NeurIPS", "ICML", "ICLR", "CVPR", "ACL", "EMNLP", "AAAI", "COLM", "TMLR", "JMLR"]
KIND_WEIGHTS = [
    (Kind.PAPER, 70), (Kind.POST, 10), (Kind.CODE, 7), (Kind.VIDEO, 5), (Kind.RESOURCE, 5), (Kind.BOOK, 3),
]
SITES = {
    Kind.POST: ["lab-notebook.example", "gradient-notes.example", "distilled.example", "attn-blog.example"],
    Kind.CODE: ["code.example"],
    Kind.VIDEO: ["video.example"],
    Kind.RESOURCE: ["courses.example", "tutorials.example"],
    Kind.BOOK: ["books.example"],
}
BASE_TAGS = [
    "interpretability", "nlp-llms", "transformers", "sparse-autoencoders", "diffusion", "generative",
    "moe", "optimization", "computer-vision", "reinforcement-learning", "theory", "architectures",
    "quantization", "memory", "scaling", "alignment", "safety", "multimodal", "efficiency", "agents",
    "reasoning", "retrieval", "speech", "graphs", "robotics", "biology", "benchmarks", "datasets",
    "training-tricks", "distillation", "fine-tuning", "rlhf", "state-space-models", "attention",
    "tokenization", "evaluation", "hardware", "compilers", "probing", "circuits",
]
TAG_FACETS = [
    "survey", "reproduction", "to-read", "classic", "2024", "2025", "theory", "code", "lecture",
    "benchmark", "negative-result", "follow-up",
]
LATEX = [
    "x^2", "\\sum_i \\lambda_i |z_i|", "\\mathrm{softmax}(QK^T/\\sqrt{d_k})V",
    "\\|x - \\hat{x}\\|_2^2 + \\lambda \\|z\\|_1", "p_\\theta(x_{t-1} \\mid x_t)", "O(n^2)",
    "\\epsilon \\sim \\mathcal{N}(0, I)", "k \\ll n", "\\nabla_\\theta \\log \\pi_\\theta(a \\mid s)",
    "W = W_0 + BA", "d_{model} = 4096", "\\alpha = 0.1", "\\beta_t",
]
PARAGRAPHS = [
    "{name} applies {topic} to {task}; the main trick is {topic2}.",
    "Key result: {property} improves by {num}% over the {topic2} baseline on {task}.",
    "The objective is ${latex}$, trained with {topic2} for {num}k steps.",
    "Read alongside [{name}]({link}), which tries {topic} with a different {property} story.",
    "**Takeaway:** {topic} helps {task} when the model is large enough; below {num}M parameters it hurts.",
    "Unclear whether {topic} matters for {task}: the ablations in section {num} are *thin*.",
    "Nice figures on {property}. Worth a reading-group slot next to {topic2}.",
    "They claim ${latex}$ is enough to explain the {property} of {topic}. I am not convinced.",
    "Good intro to {topic}; skip to the {task} experiments if short on time.",
    "Code at [{link}]({link}); reproduces in a few GPU hours with {topic2}.",
]
LIST_ITEMS = [
    "{topic} on {task}", "compare with {name}", "ablate {property}", "loss ${latex}$",
    "**{num}%** better than {topic2}", "*open question*: does {topic} scale?", "see [{name}]({link})",
    "batch size {num}, learning rate ${latex}$", "works without {topic2}",
]
COMMENT_PARAGRAPHS = [
    "I can take the {task} part this week.", "Did anyone try {topic2} here?",
    "+1, {topic} seems promising for this.", "We should check ${latex}$ before scaling up.",
    "Results from the {num}-GPU run are in; {property} looks **much** better.",
    "Is there an open implementation of {name}?", "Moving this to next week's meeting.",
    "Pushed a notebook: [{name}]({link}).",
]
IDEA_TEMPLATES = [
    "Probe {topic} in small {topic2}", "Reproduce {name} on {task}", "{topic_cap} for {task} on one GPU",
    "Do {topic} explain the {property} of {topic2}?", "A benchmark for {topic} on {task}",
    "Combine {topic} with {topic2}", "Sparse autoencoders on {topic2}", "Cheap {topic} for {task}",
]
IDEA_NOTES = ["", "", "Paper", "Code", "Why: the baseline we compare with", "Background", "Closest prior work"]
AREAS = [
    "Safety / Interpretability / Alignment", "NLP / LLMs", "Vision", "Generative models",
    "Reinforcement learning", "Theory / Optimization",
]
STATUS_PATHS = [
    [Status.PROPOSED], [Status.PROPOSED, Status.DISCUSSING],
    [Status.PROPOSED, Status.DISCUSSING, Status.ACTIVE], [Status.PROPOSED, Status.ACTIVE, Status.PAUSED],
    [Status.PROPOSED, Status.DISCUSSING, Status.ACTIVE, Status.DONE], [Status.PROPOSED, Status.DROPPED],
]

WORD_LISTS = {
    "adj": ADJECTIVES,
    "adj2": ADJECTIVES,
    "task": TASKS,
    "property": PROPERTIES,
    "size": ["1B", "7B", "70B", "a Trillion"],
    "latex": LATEX,
}

# fmt: on


def build_scale_data(n, stdout):
    """Make sure the database holds N synthetic references and all that goes with them."""
    started = time.perf_counter()
    existing = Reference.objects.filter(identity__regex=SYNTHETIC_IDENTITY)
    have = existing.count()
    if have >= n:
        stdout.write(
            f"Reusing the synthetic data set: {have} references from an earlier --scale run "
            f"(asked for {n}); nothing added."
        )
        return {"reused": True, "references": have}
    taken = set(existing.values_list("identity", flat=True)) if have else set()
    builder = ScaleBuilder(n - have, start=have, taken=taken, seed=2026 + have)
    timings = builder.build()
    counts = builder.counts
    for phase, seconds in timings.items():
        stdout.write(f"{phase:<12} {seconds:6.1f} s  {counts.get(phase, '')}")
    total = time.perf_counter() - started
    stdout.write(
        f"Scale data: {counts['references']} references, {counts['log entries']} log entries, "
        f"{counts['ideas']} ideas and {counts['comments']} comments added in {total:.1f} s."
    )
    stdout.write(f"Members member01…member{MEMBERS:02d} log in with {DEMO_PASSWORD}; member01 is staff.")
    return {"reused": False, **counts, "timings": timings}


def member_name(number):
    return f"member{number:02d}"


class Pool:
    """Markdown blocks rendered once; texts are a few blocks, their HTML the rendered blocks."""

    def __init__(self, paragraphs, lists):
        self.paragraphs = [(text, render_markdown(text)) for text in paragraphs]
        self.lists = [(text, render_markdown(text)) for text in lists]

    def text(self, rng, blocks):
        """A paragraph, then maybe a list and another paragraph (never two lists in a row)."""
        draw, paragraphs = rng.random, self.paragraphs
        chosen = [paragraphs[int(draw() * len(paragraphs))]]
        if blocks >= 2:
            more = self.lists if draw() < 0.5 else paragraphs
            chosen.append(more[int(draw() * len(more))])
        if blocks >= 3:
            chosen.append(paragraphs[int(draw() * len(paragraphs))])
        if draw() < 0.15:
            chosen.reverse()  # sometimes the list comes first
        return "\n\n".join(text for text, _ in chosen), "\n".join(html for _, html in chosen)


class Words(dict):
    """Template words, drawn only when a template asks for them."""

    def __init__(self, rng):
        super().__init__()
        self.rng = rng

    def __missing__(self, key):
        rng = self.rng
        if key in ("topic", "topic2", "topic_cap"):
            self["topic"], self["topic2"] = rng.sample(TOPICS, 2)
            self["topic_cap"] = self["topic"][0].upper() + self["topic"][1:]
            return self[key]
        if key in WORD_LISTS:
            value = rng.choice(WORD_LISTS[key])
        elif key == "name":
            value = rng.choice(NAME_PARTS[0]) + rng.choice(NAME_PARTS[1])
        elif key == "num":
            value = rng.randint(2, 96)
        elif key == "link":
            value = f"https://arxiv.org/abs/{rng.randint(1501, 2512)}.{rng.randint(1, 29999):05d}"
        else:
            raise KeyError(key)
        self[key] = value
        return value


def maker(model):
    """A cheap constructor of `model` instances for bulk_create, taking attnames (reader_id…).

    Model.__init__ costs more than a bulk insert's share of a row; bulk_create only needs the
    field values and a fresh _state. No init signals are sent (bulk_create sends none either), and
    callable defaults are called once, so pass every field whose default is a callable.
    """
    defaults = {field.attname: field.get_default() for field in model._meta.concrete_fields}
    new = model.__new__

    def make(**values):
        obj = new(model)
        obj.__dict__.update(defaults)
        obj.__dict__.update(values)
        obj._state = ModelState()
        return obj

    return make


class ScaleBuilder:
    def __init__(self, n, start=0, taken=(), seed=2026):
        self.n = n
        self.start = start
        self.taken = set(taken)
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.counts = {}
        # (content type id, object id, how many tags): gathered by the phases, tagged at the end.
        self.tagging = []

    def fill(self, template):
        return template.format_map(Words(self.rng))

    def make_pool(self, texts, paragraphs, cap):
        """Blocks for `texts` texts: about one paragraph per 25 texts, a third as many lists."""
        rng = self.rng
        size = min(max(texts // 25, 30), cap)
        texts = [self.fill(rng.choice(paragraphs)) for _ in range(size)]
        items = []
        for _ in range(size // 3):
            lines = [self.fill(rng.choice(LIST_ITEMS)) for _ in range(rng.randint(2, 4))]
            if rng.random() < 0.3:
                items.append("\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1)))
            else:
                items.append("\n".join(f"- {line}" for line in lines))
        return Pool(dict.fromkeys(texts), dict.fromkeys(items or ["- one\n- two"]))

    def moment(self, start, end=None):
        """A random aware datetime between two datetimes (end defaults to now)."""
        end = end or self.now
        span = max((end - start).total_seconds(), 0)
        return start + datetime.timedelta(seconds=self.rng.random() * span)

    # Phases

    def build(self):
        timings = {}
        with explicit_timestamps(), quiet_bulk_inserts(), transaction.atomic():
            for phase, step in [
                ("members", self.build_members),
                ("references", self.build_references),
                ("log entries", self.build_log_entries),
                ("ideas", self.build_ideas),
                ("comments", self.build_comments),
                ("tags", self.build_tags),
            ]:
                began = time.perf_counter()
                self.counts[phase] = step()
                timings[phase] = time.perf_counter() - began
        began = time.perf_counter()
        with quiet_bulk_inserts():
            self.counts["index"] = self.rebuild_index()
        timings["index"] = time.perf_counter() - began
        began = time.perf_counter()
        analyze()
        timings["statistics"] = time.perf_counter() - began
        return timings

    def build_members(self):
        User = get_user_model()
        names = [member_name(i) for i in range(1, MEMBERS + 1)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        password = make_password(DEMO_PASSWORD)
        rng = random.Random(7)
        new = [
            User(
                username=name,
                email=f"{name}@example.com",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=password,
                is_staff=name == names[0],
                date_joined=self.now - datetime.timedelta(days=3 * 365 + 60),
            )
            for name in names
            if name not in existing
        ]
        User.objects.bulk_create(new)
        by_name = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
        self.members = [by_name[name] for name in names]
        return len(new)

    def build_references(self):
        rng = self.rng
        # One pool for summaries, notes and idea bodies; comments have their own.
        self.notes = self.make_pool(self.n, PARAGRAPHS, cap=2000)
        kinds, weights = zip(*KIND_WEIGHTS, strict=True)
        cum_kinds = list(itertools.accumulate(weights))
        ref_ct = ContentType.objects.get_for_model(Reference)
        first_created = self.now - datetime.timedelta(days=3 * 365 + 30)
        self.new_reference = maker(Reference)
        self.references = []  # (pk, created date, title, url) for the later phases
        index = self.start
        made = 0
        while made < self.n:
            batch = []
            while len(batch) < BATCH and made + len(batch) < self.n:
                kind = rng.choices(kinds, cum_weights=cum_kinds)[0]
                url, year = self.reference_url(index, kind)
                index += 1
                identity = identity_key(url)
                if identity in self.taken:
                    continue
                self.taken.add(identity)
                batch.append(self.reference(kind, url, identity, year, first_created))
            for ref in batch:  # its stored BibTeX entry, as Reference.prepare derives it
                ref.bibtex_key, ref.bibtex = derived(ref)
            Reference.objects.bulk_create(batch, batch_size=BATCH)
            for ref in batch:
                self.references.append((ref.pk, ref.created.date(), ref.title, ref.url))
                self.tag(ref_ct, ref.pk, rng.choice((1, 1, 2, 2, 3)))
            made += len(batch)
        return made

    def reference_url(self, index, kind):
        """A url unique to the index: arXiv ids with months 90–99, else a .example site."""
        yy = 14 + index % 13
        rest = index // 13
        if kind == Kind.PAPER:
            month, number = 90 + rest // 99999, rest % 99999 + 1
            return f"https://arxiv.org/abs/{yy:02d}{month:02d}.{number:05d}", 2000 + yy
        site = self.rng.choice(SITES[kind])
        slug = slugify(self.rng.choice(TOPICS))
        return f"https://{site}/{2000 + yy}/{slug}-{index}", 2000 + yy

    def reference(self, kind, url, identity, year, first_created):
        rng = self.rng
        title = self.fill(rng.choice(TITLE_TEMPLATES))
        if kind == Kind.BOOK:
            title = f"{title} (2nd edition)" if rng.random() < 0.3 else title
        elif kind == Kind.VIDEO:
            title = f"Lecture {rng.randint(1, 24)}: {title}"
        authors = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 8))]
        if len(authors) > 2 and rng.random() < 0.3:
            authors[0] += "*"
            authors[1] += "*"
        if len(authors) > 5 and rng.random() < 0.5:
            authors[-1] = "…"
        published = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        summary, summary_html = self.notes.text(rng, rng.choice((1, 1, 2, 2, 3)))
        if rng.random() < 0.1:
            summary, summary_html = "", ""
        created = self.moment(first_created)
        return self.new_reference(
            kind=kind,
            title=title,
            url=url,
            authors=", ".join(authors),
            affiliation=rng.choice(AFFILIATIONS),
            published=min(published, self.today),
            venue=f"{rng.choice(VENUES)} {year + rng.randint(0, 1)}" if rng.random() < 0.45 else "",
            summary=summary,
            summary_html=summary_html,
            identity=identity,
            title_key=normalize_title(title),
            added_by_id=rng.choice(self.members),
            created=created,
            updated=created if rng.random() < 0.8 else self.moment(created),
        )

    def build_log_entries(self):
        rng = self.rng
        draw = rng.random
        notes = self.notes
        new_entry = maker(LogEntry)
        entry_ct = ContentType.objects.get_for_model(LogEntry)
        refs = self.references
        members = self.members
        midnight = datetime.time(tzinfo=datetime.UTC)
        oldest = self.today - datetime.timedelta(days=3 * 365)
        seen = set()
        total = 3 * self.n
        made = 0
        while made < total:
            batch = []
            while len(batch) < BATCH and made + len(batch) < total:
                # Skewed towards some references, so some are read by many members.
                pk, ref_day, title, url = refs[int(len(refs) * draw() ** 1.6)]
                reader = members[int(draw() * len(members))]
                first = max(ref_day, oldest)
                read_on = first + datetime.timedelta(days=int(draw() * ((self.today - first).days + 1)))
                logged_title = ""
                if draw() < 0.03:
                    logged_title = (
                        f"{title} ({rng.choice(['Part', 'Lectures', 'Chapter'])} {rng.randint(1, 9)})"
                    )
                key = (reader, pk, read_on, logged_title)
                if key in seen:
                    continue
                seen.add(key)
                text, html = notes.text(rng, (1, 1, 2, 3)[int(draw() * 4)]) if draw() < 0.8 else ("", "")
                created = datetime.datetime.combine(read_on, midnight)
                created = min(created + datetime.timedelta(seconds=8 * 3600 + draw() * 16 * 3600), self.now)
                batch.append(
                    new_entry(
                        reference_id=pk,
                        reader_id=reader,
                        read_on=read_on,
                        logged_title=logged_title,
                        logged_url=url.replace("/abs/", "/pdf/") if "/abs/" in url and draw() < 0.05 else "",
                        notes=text,
                        notes_html=html,
                        created=created,
                        updated=created,
                    )
                )
            LogEntry.objects.bulk_create(batch, batch_size=BATCH)
            for entry in batch:
                self.tag(entry_ct, entry.pk, (0, 0, 0, 1, 1, 2)[int(draw() * 6)])
            made += len(batch)
        return made

    def build_ideas(self):
        rng = self.rng
        count = max(self.n // 100, 1)
        bodies = self.notes
        idea_ct = ContentType.objects.get_for_model(Idea)
        areas = [
            Area.objects.get_or_create(name=name, defaults={"position": 100 + i})[0].pk
            for i, name in enumerate(AREAS)
        ]
        slugs = set(Idea.objects.values_list("slug", flat=True)) | RESERVED_SLUGS
        first_created = self.now - datetime.timedelta(days=3 * 365)
        ideas, changes = [], []
        for number in itertools.count(self.start // 100 + 1):
            if len(ideas) == count:
                break
            title = self.fill(rng.choice(IDEA_TEMPLATES))
            slug = f"{slugify(title)[:80].strip('-')}-{number}"
            if slug in slugs:
                continue
            slugs.add(slug)
            path = rng.choice(STATUS_PATHS)
            created = self.moment(first_created)
            stamps = sorted(self.moment(created) for _ in path[1:])
            proposer = rng.choice(self.members)
            body, body_html = bodies.text(rng, rng.choice((1, 2, 2, 3)))
            ideas.append(
                Idea(
                    title=title,
                    slug=slug,
                    area_id=rng.choice(areas) if rng.random() < 0.85 else None,
                    label=rng.choice(["", "", "NLP / LLMs", "Vision", "RL", "Theory"]),
                    status=path[-1],
                    body=body,
                    body_html=body_html,
                    proposer_id=proposer,
                    created=created,
                    updated=stamps[-1] if stamps else created,
                    last_activity=stamps[-1] if stamps else created,
                )
            )
            changes.append((path, [created, *stamps], proposer))
        Idea.objects.bulk_create(ideas, batch_size=BATCH)

        links, memberships, history = [], [], []
        Membership = Idea.members.through
        refs = self.references
        for idea, (path, stamps, proposer) in zip(ideas, changes, strict=True):
            self.tag(idea_ct, idea.pk, rng.randint(1, 4))
            cited = rng.sample(range(len(refs)), min(rng.randint(1, 8), len(refs)))
            links += [
                IdeaReference(
                    idea_id=idea.pk, reference_id=refs[i][0], note=rng.choice(IDEA_NOTES), position=p
                )
                for p, i in enumerate(cited)
            ]
            members = rng.sample(self.members, rng.choice((0, 1, 2, 2, 3, 4, 5)))
            memberships += [Membership(idea_id=idea.pk, user_id=user) for user in members]
            old = ""
            for status, stamp in zip(path, stamps, strict=True):
                who = proposer if not old else rng.choice([proposer, *members])
                history.append(
                    StatusChange(
                        idea_id=idea.pk,
                        old_status=old,
                        new_status=status,
                        changed_by_id=who,
                        changed_at=stamp,
                    )
                )
                old = status
        IdeaReference.objects.bulk_create(links, batch_size=BATCH)
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        StatusChange.objects.bulk_create(history, batch_size=BATCH)
        self.ideas = ideas
        self.counts["idea references"] = len(links)
        self.counts["status changes"] = len(history)
        return len(ideas)

    def build_comments(self):
        """N/2 comments: at least 250 on one idea (or half of them), the rest Zipf-like over the ideas."""
        rng = self.rng
        total = self.n // 2
        pool = self.make_pool(total, COMMENT_PARAGRAPHS, cap=600)
        ideas = self.ideas
        heavy = min(max(250, total // 100), total // 2)
        new_comment = maker(Comment)
        weights = list(itertools.accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(ideas))))
        made = 0
        while made < total:
            batch = []
            for _ in range(min(BATCH, total - made)):
                if made + len(batch) < heavy:
                    idea = ideas[0]
                else:
                    idea = ideas[bisect.bisect(weights, rng.random() * weights[-1])]
                body, body_html = pool.text(rng, rng.choice((1, 1, 1, 2)))
                created = self.moment(idea.created)
                hidden = rng.random() < 0.02
                if not hidden:
                    idea.last_activity = max(idea.last_activity, created)
                batch.append(
                    new_comment(
                        idea_id=idea.pk,
                        author_id=rng.choice(self.members),
                        body=body,
                        body_html=body_html,
                        is_hidden=hidden,
                        created=created,
                        updated=created if rng.random() < 0.9 else self.moment(created),
                    )
                )
            Comment.objects.bulk_create(batch, batch_size=BATCH)
            made += len(batch)
        # An idea's last activity is its last edit or visible comment (Comment.save keeps it so).
        Idea.objects.bulk_update(ideas, ["last_activity"], batch_size=BATCH)
        return made

    def tag(self, content_type, pk, how_many):
        if how_many:
            self.tagging.append((content_type.pk, pk, how_many))

    def build_tags(self):
        rng = self.rng
        names = list(BASE_TAGS)
        extra = [f"{slugify(topic)}-{facet}" for topic in TOPICS for facet in TAG_FACETS]
        random.Random(11).shuffle(extra)
        names += [name for name in [*map(slugify, TOPICS), *extra] if name not in names][: TAGS - len(names)]
        existing = dict(Tag.objects.values_list("name", "pk"))
        by_slug = dict(Tag.objects.values_list("slug", "pk"))
        new = [Tag(name=name, slug=name) for name in names if name not in existing and name not in by_slug]
        Tag.objects.bulk_create(new, batch_size=BATCH)
        existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        tag_ids = [existing.get(name) or by_slug[name] for name in names]
        # Zipf: the tag of rank r is used about 1/r as often as the most common one.
        weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tag_ids))))
        top = weights[-1]
        new_item = maker(TaggedItem)
        rows = []
        made = 0
        for content_type, pk, how_many in self.tagging:
            chosen = set()
            while len(chosen) < how_many:
                chosen.add(tag_ids[bisect.bisect(weights, rng.random() * top)])
            rows += [new_item(content_type_id=content_type, object_id=pk, tag_id=tag) for tag in chosen]
            if len(rows) >= BATCH:
                made += len(TaggedItem.objects.bulk_create(rows, batch_size=BATCH))
                rows = []
        made += len(TaggedItem.objects.bulk_create(rows, batch_size=BATCH))
        self.counts["new tags"] = len(new)
        return made

    def rebuild_index(self):
        counts = rebuild_index()
        if isinstance(counts, dict):
            return ", ".join(f"{kind}: {number}" for kind, number in counts.items())
        return ""


def analyze():
    """Fresh planner statistics after a bulk load, so queries pick their indexes from the start
    (and PostgreSQL's visibility map lets index-only scans skip the table)."""
    # VACUUM cannot run inside a transaction (as in the tests); ANALYZE alone can.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


@contextlib.contextmanager
def quiet_bulk_inserts():
    """No query log while inserting (with DEBUG on it formats every insert's parameters) and, on
    SQLite, a page cache big enough for the indexes (the default 2 MB makes every insert read pages).
    """
    connection.make_debug_cursor = connection.make_cursor
    cache_size = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KB}")
    try:
        yield
    finally:
        del connection.make_debug_cursor
        if cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


@contextlib.contextmanager
def explicit_timestamps():
    """Switch off auto_now/auto_now_add so bulk_create keeps the timestamps the builder sets."""
    switched = []
    for model, names in [
        (Reference, ["created", "updated"]),
        (LogEntry, ["created", "updated"]),
        (Idea, ["created", "updated"]),
        (Comment, ["created", "updated"]),
        (StatusChange, ["changed_at"]),
    ]:
        for name in names:
            field = model._meta.get_field(name)
            switched.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
