"""Build a tiny, randomly initialised, real Qwen3-VL model folder that transformers and vLLM both serve.

Same architecture, keys and processor layout as Qwen3-VL-4B-Instruct, at a few MB: it answers gibberish,
but it exercises the whole serving path (chat template, vision tower, mrope, structured outputs) offline.
Every byte is a function of this package's files, so two builds give identical folders.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from tokenizers import AddedToken, Tokenizer

HERE = Path(__file__).resolve().parent
# Bump whenever the output changes, so existing folders are rebuilt.
BUILDER_VERSION = 3
MARKER = "tiny_build.json"
SEED = 20250101
INIT_STD = 0.02
BPE_VOCAB_SIZE = 2048
MAX_POSITIONS = 32768
PIXELS_PER_TOKEN = 32 * 32  # one visual token covers 32x32 pixels (patch 16, merge 2)
MAX_IMAGE_TOKENS = 1024
MIN_IMAGE_TOKENS = 16

# Qwen2's pre-tokenizer split pattern.
SPLIT_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
# Qwen's added tokens in Qwen's order; the first 14 are "special" (skipped when decoding), the rest are not.
SPECIAL_TOKENS = (
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
)  # fmt: skip
PLAIN_ADDED_TOKENS = (
    "<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>",
    "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>", "</think>",
)  # fmt: skip
OUTPUT_FILES = (
    "config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
    "chat_template.jinja", "processor_config.json", "preprocessor_config.json", MARKER,
)  # fmt: skip


def build_tiny_model(out_dir: Path, *, force: bool = False) -> Path:
    """Write the tiny model into `out_dir` unless a complete build of this version is already there.

    The folder is written next to `out_dir` and renamed into place, so a crash never leaves half a model.
    An existing folder is replaced only when it is empty or an earlier build (it may hold other files).
    """
    out_dir = Path(out_dir).resolve()
    if not force and is_complete(out_dir):
        return out_dir
    if out_dir.exists() and not _replaceable(out_dir):
        raise FileExistsError(f"{out_dir} exists and is not a tiny model build; refusing to replace it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        write_model_folder(staging)
        _make_readable(staging)
        _move_into_place(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def is_complete(folder: Path) -> bool:
    """True when `folder` holds every file of a build made by this builder version."""
    return _marker_version(folder) == BUILDER_VERSION and all((folder / f).is_file() for f in OUTPUT_FILES)


def _marker_version(folder: Path) -> int | None:
    try:
        return json.loads((folder / MARKER).read_text()).get("builder_version")
    except (OSError, ValueError, AttributeError):
        return None


def _replaceable(folder: Path) -> bool:
    return folder.is_dir() and (_marker_version(folder) is not None or not any(folder.iterdir()))


def _make_readable(folder: Path) -> None:
    """mkdtemp and safetensors create private entries; the model folder is meant to be shared."""
    os.chmod(folder, 0o755)
    for path in folder.iterdir():
        os.chmod(path, 0o644)


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Swap the finished folder in; when a concurrent build got there first, keep that one."""
    trash = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    try:
        if out_dir.exists():
            os.rename(out_dir, trash / "previous")
        os.rename(staging, out_dir)
    except OSError:
        if not is_complete(out_dir):
            raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def write_model_folder(folder: Path) -> None:
    """Write every file of the model into an existing empty folder; the marker goes last."""
    tokenizer = train_tokenizer((HERE / "corpus.txt").read_text(encoding="utf-8"), BPE_VOCAB_SIZE)
    tokenizer.save(str(folder / "tokenizer.json"), pretty=True)
    ids = token_ids(tokenizer)
    config = model_config(ids, vocab_size=_round_up(tokenizer.get_vocab_size(), 64))
    _write_json(folder / "config.json", config)
    _write_json(folder / "generation_config.json", generation_config(ids))
    _write_json(folder / "tokenizer_config.json", tokenizer_config())
    processor = processor_config()
    _write_json(folder / "processor_config.json", processor)
    _write_json(folder / "preprocessor_config.json", processor["image_processor"])
    shutil.copyfile(HERE / "chat_template.jinja", folder / "chat_template.jinja")
    save_random_weights(config, folder / "model.safetensors", seed=SEED)
    _write_json(folder / MARKER, {"builder_version": BUILDER_VERSION, "seed": SEED})


def train_tokenizer(text: str, vocab_size: int) -> Tokenizer:
    """A byte-level BPE set up like Qwen2's, trained on `text`, then Qwen's added tokens with consecutive ids."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(SPLIT_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])  # fmt: skip
    tokenizer.decoder = decoders.ByteLevel()  # its options only matter when encoding
    tokenizer.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=1, show_progress=False,
        initial_alphabet=_byte_alphabet(),
    )  # fmt: skip
    tokenizer.train_from_iterator(text.splitlines(keepends=True), trainer=trainer)
    tokenizer.add_special_tokens([_added_token(t, special=True) for t in SPECIAL_TOKENS])
    tokenizer.add_tokens([_added_token(t, special=False) for t in PLAIN_ADDED_TOKENS])
    return tokenizer


def _byte_alphabet() -> list[str]:
    """The byte-level alphabet minus the control bytes other than \\n and \\r, which encoding then drops.

    xgrammar lets length-bounded JSON strings hold raw control characters, which JSON forbids, and a random
    model emits them often: without them in the vocabulary, the tiny model's structured answers parse.
    """
    from tokenizers import pre_tokenizers

    # ByteLevel spells byte b < 0x21 as chr(0x100 + b).
    unwanted = {chr(0x100 + b) for b in range(0x20) if b not in (0x0A, 0x0D)}
    return sorted(set(pre_tokenizers.ByteLevel.alphabet()) - unwanted)


def _added_token(content: str, *, special: bool) -> AddedToken:
    from tokenizers import AddedToken

    return AddedToken(content, single_word=False, lstrip=False, rstrip=False, normalized=False, special=special)


def token_ids(tokenizer: Tokenizer) -> dict[str, int]:
    """Ids of Qwen's added tokens, checked to follow the learned vocabulary consecutively, in Qwen's order."""
    first = tokenizer.get_vocab_size(with_added_tokens=False)
    ids = {name: first + i for i, name in enumerate(SPECIAL_TOKENS + PLAIN_ADDED_TOKENS)}
    if any(tokenizer.token_to_id(name) != id_ for name, id_ in ids.items()):
        raise RuntimeError("Qwen's added tokens must follow the learned vocabulary, in Qwen's order")
    return ids


def save_random_weights(config: dict[str, Any], path: Path, *, seed: int) -> None:
    """Random weights for the real model class's tensors, saved as bfloat16 safetensors.

    Values come from integer draws in name order, so they depend on neither the CPU's float kernels
    nor the library's init order: builds on any machine give the same bytes.
    """
    import torch
    from safetensors.torch import save_file
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    with torch.device("meta"):  # only names and shapes are needed from the model
        model = Qwen3VLForConditionalGeneration(Qwen3VLConfig.from_dict(config))
    shapes = {name: tensor.shape for name, tensor in model.state_dict().items()}
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for name in sorted(shapes):
        if name == "lm_head.weight":  # tie_word_embeddings: the checkpoint stores only the embedding
            continue
        state[name] = _initial_values(name, shapes[name], generator).to(torch.bfloat16).contiguous()
    save_file(state, str(path), metadata={"format": "pt"})


def _initial_values(name: str, shape: torch.Size, generator: torch.Generator) -> torch.Tensor:
    """As transformers initialises: matrices random with std 0.02, biases zero, norm scales one."""
    import torch

    if name.endswith(".bias"):
        return torch.zeros(shape)
    if len(shape) == 1:
        return torch.ones(shape)
    steps = 1 << 16
    draws = torch.randint(-steps, steps + 1, shape, generator=generator, dtype=torch.int64)
    return draws.to(torch.float64) * (INIT_STD * math.sqrt(3) / steps)  # uniform with std INIT_STD


def model_config(ids: dict[str, int], *, vocab_size: int) -> dict[str, Any]:
    """config.json: Qwen3-VL-4B-Instruct's keys at tiny scale."""
    return {
        "architectures": ["Qwen3VLForConditionalGeneration"],
        "model_type": "qwen3_vl",
        "image_token_id": ids["<|image_pad|>"],
        "video_token_id": ids["<|video_pad|>"],
        "vision_start_token_id": ids["<|vision_start|>"],
        "vision_end_token_id": ids["<|vision_end|>"],
        "tie_word_embeddings": True,
        "torch_dtype": "bfloat16",
        "text_config": _text_config(ids, vocab_size),
        "vision_config": _vision_config(),
    }


def _text_config(ids: dict[str, int], vocab_size: int) -> dict[str, Any]:
    return {
        "model_type": "qwen3_vl_text",
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": ids["<|im_end|>"],
        "head_dim": 64,  # the CPU attention kernels support 32/64/80/96/112/128/...
        "hidden_act": "silu",
        "hidden_size": 128,
        "initializer_range": INIT_STD,
        "intermediate_size": 256,
        "max_position_embeddings": MAX_POSITIONS,
        "num_attention_heads": 2,
        "num_hidden_layers": 2,
        "num_key_value_heads": 1,
        "rms_norm_eps": 1e-06,
        "rope_parameters": {
            "mrope_interleaved": True,
            "mrope_section": [12, 10, 10],  # sums to head_dim / 2
            "rope_theta": 5000000,
            "rope_type": "default",
        },
        "tie_word_embeddings": True,
        "use_cache": True,
        "vocab_size": vocab_size,
        "dtype": "bfloat16",
    }


def _vision_config() -> dict[str, Any]:
    return {
        "model_type": "qwen3_vl_vision",
        "deepstack_visual_indexes": [0, 1],
        "depth": 2,
        "hidden_act": "gelu_pytorch_tanh",
        "hidden_size": 64,
        "in_channels": 3,
        "initializer_range": INIT_STD,
        "intermediate_size": 256,
        "num_heads": 2,
        "num_position_embeddings": 576,  # a perfect square: the position grid is 24x24
        "out_hidden_size": 128,
        "patch_size": 16,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
    }


def generation_config(ids: dict[str, int]) -> dict[str, Any]:
    """generation_config.json: Qwen3-VL-Instruct's sampling defaults."""
    return {
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]],
        "pad_token_id": ids["<|endoftext|>"],
        "do_sample": True,
        "temperature": 0.7,
        "top_p": 0.8,
        "top_k": 20,
    }


def tokenizer_config() -> dict[str, Any]:
    return {
        "backend": "tokenizers",
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "model_max_length": MAX_POSITIONS,
        "pad_token": "<|endoftext|>",
        "processor_class": "Qwen3VLProcessor",
        "split_special_tokens": False,
        "tokenizer_class": "TokenizersBackend",
    }


def processor_config() -> dict[str, Any]:
    """processor_config.json: image and video processors as Qwen3-VL's, with a small image budget."""
    common = {
        "do_convert_rgb": True, "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "merge_size": 2, "patch_size": 16,
        "resample": 3, "rescale_factor": 1 / 255, "temporal_patch_size": 2,
    }  # fmt: skip
    image_size = {
        "longest_edge": MAX_IMAGE_TOKENS * PIXELS_PER_TOKEN,
        "shortest_edge": MIN_IMAGE_TOKENS * PIXELS_PER_TOKEN,
    }
    video_size = {"longest_edge": 768 * PIXELS_PER_TOKEN, "shortest_edge": 128 * PIXELS_PER_TOKEN}
    return {
        "processor_class": "Qwen3VLProcessor",
        "image_processor": {**common, "image_processor_type": "Qwen2VLImageProcessor", "size": image_size},
        "video_processor": {
            **common, "video_processor_type": "Qwen3VLVideoProcessor", "do_sample_frames": True, "fps": 2,
            "min_frames": 4, "max_frames": 768, "return_metadata": False, "size": video_size,
        },
    }  # fmt: skip


def _round_up(n: int, multiple: int) -> int:
    return -(-n // multiple) * multiple


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
