"""Build a tiny random BERT Sentence Transformers model with its own vocabulary."""

from __future__ import annotations

from pathlib import Path

VOCABULARY_TEXT = (
    "a man woman child dog cat is are the plays playing runs running eats eating "
    "in on at park street house guitar ball food water red blue big small happy "
    "sad quickly slowly question answer what where who how why city river book"
)


def build_tiny_model(
    folder: Path,
    sentences: list[str] | None = None,
    hidden_size: int = 32,
    layers: int = 2,
) -> Path:
    """Train a WordPiece vocabulary on ``sentences`` and save a random BERT there.

    The defaults make a 2-layer BERT of width 32 for fast tests. The benchmarks
    request a wider one, whose steps take long enough to measure.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    texts = [*(sentences or []), VOCABULARY_TEXT]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=400,
        special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    raw = folder / "raw"
    raw.mkdir(exist_ok=True)
    vocab = [
        token for token, _ in sorted(tokenizer.get_vocab().items(), key=lambda t: t[1])
    ]
    (raw / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    fast = BertTokenizerFast(vocab_file=str(raw / "vocab.txt"), do_lower_case=True)
    fast.save_pretrained(str(raw))

    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=2 * hidden_size,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(str(raw))

    transformer = Transformer(str(raw), max_seq_length=64)
    pooling = Pooling(transformer.get_embedding_dimension(), "mean")
    model = SentenceTransformer(modules=[transformer, pooling], device="cpu")
    target = folder / "model"
    model.save_pretrained(str(target))
    return target
