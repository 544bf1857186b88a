"""The tiny Qwen3-VL: a deterministic build that transformers loads, templates and runs."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inference.tiny import build as tiny
from inference.tiny.build import build_tiny_model
from tests.images import photo

ROOT = Path(__file__).resolve().parents[2]
VISION = "<|vision_start|><|image_pad|><|vision_end|>"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def processor(model_dir: Path):
    from transformers import AutoProcessor

    return AutoProcessor.from_pretrained(model_dir)


def image_prompt(width: int, height: int) -> list[dict]:
    return [
        {"role": "user", "content": [{"type": "image", "image": photo(width, height)}, {"type": "text", "text": "?"}]}
    ]


def digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def test_two_builds_are_byte_identical(model_dir: Path, tmp_path: Path) -> None:
    # Another process, another hash seed: nothing in the output may depend on either.
    again = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-m", "inference.tiny", "build", str(again)], cwd=ROOT, env=env, check=True)
    assert digests(again) == digests(model_dir)
    assert set(digests(model_dir)) == set(tiny.OUTPUT_FILES)


def test_a_complete_build_is_reused_without_rebuilding(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tiny, "write_model_folder", lambda folder: pytest.fail("rebuilt a complete build"))
    assert build_tiny_model(model_dir) == model_dir


def test_force_rebuilds_the_same_bytes(model_dir: Path, tmp_path: Path) -> None:
    folder = build_tiny_model(tmp_path / "model")
    (folder / "config.json").write_text("{}")
    build_tiny_model(folder, force=True)
    assert digests(folder) == digests(model_dir)


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(folder: Path) -> None:
        (folder / "config.json").write_text("{}")
        raise RuntimeError("power cut")

    monkeypatch.setattr(tiny, "write_model_folder", crash)
    with pytest.raises(RuntimeError):
        build_tiny_model(tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


def test_a_build_from_an_older_builder_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / tiny.MARKER).write_text(json.dumps({"builder_version": 0}))
    (folder / "stale.bin").write_bytes(b"old weights")
    build_tiny_model(folder)
    assert tiny.is_complete(folder)
    assert not (folder / "stale.bin").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_it_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        build_tiny_model(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_config_token_ids_match_the_tokenizer(model_dir: Path) -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    config = read_json(model_dir / "config.json")
    text = config["text_config"]
    assert config["image_token_id"] == tokenizer.token_to_id("<|image_pad|>")
    assert config["video_token_id"] == tokenizer.token_to_id("<|video_pad|>")
    assert config["vision_start_token_id"] == tokenizer.token_to_id("<|vision_start|>")
    assert config["vision_end_token_id"] == tokenizer.token_to_id("<|vision_end|>")
    assert text["bos_token_id"] == tokenizer.token_to_id("<|endoftext|>")
    assert text["eos_token_id"] == tokenizer.token_to_id("<|im_end|>")
    generation = read_json(model_dir / "generation_config.json")
    assert generation["eos_token_id"] == [tokenizer.token_to_id("<|im_end|>"), tokenizer.token_to_id("<|endoftext|>")]
    assert generation["pad_token_id"] == tokenizer.token_to_id("<|endoftext|>")
    assert text["vocab_size"] % 64 == 0
    assert 0 <= text["vocab_size"] - tokenizer.get_vocab_size() < 64


def test_qwens_added_tokens_follow_the_vocabulary_in_qwens_order(model_dir: Path) -> None:
    added = read_json(model_dir / "tokenizer.json")["added_tokens"]
    names = list(tiny.SPECIAL_TOKENS + tiny.PLAIN_ADDED_TOKENS)
    assert [token["content"] for token in added] == names
    assert [token["id"] for token in added] == list(range(tiny.BPE_VOCAB_SIZE, tiny.BPE_VOCAB_SIZE + len(names)))
    assert [token["special"] for token in added] == [name in tiny.SPECIAL_TOKENS for name in names]


def test_the_tokenizer_round_trips_mixed_text(processor) -> None:
    text = 'Gauge 3 reads 4.2 bar. 压力表读数正常。 $\\frac{3}{4}$ {"status": "ok", "bbox_2d": [1, 2, 3, 4]}'
    ids = processor.tokenizer(text + "<|im_end|>").input_ids
    assert ids[-1] == processor.tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert processor.tokenizer.decode(ids, skip_special_tokens=True) == text


def test_no_token_decodes_to_a_control_character_that_json_strings_forbid(model_dir: Path) -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    text = "".join(tokenizer.decode([i]) for i in range(tokenizer.get_vocab_size(with_added_tokens=False)))
    assert {c for c in text if ord(c) < 0x20} == {"\n", "\r"}


def test_the_chat_template_renders_qwen3_vl_turns_with_images(processor) -> None:
    messages = [
        {"role": "system", "content": "You inspect equipment."},
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Gauge?"}]},
        {"role": "assistant", "content": "It reads 4 bar."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "And these?"},
                {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}},
                {"type": "image"},
            ],
        },
    ]
    prompt = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert prompt == (
        "<|im_start|>system\nYou inspect equipment.<|im_end|>\n"
        f"<|im_start|>user\n{VISION}Gauge?<|im_end|>\n"
        "<|im_start|>assistant\nIt reads 4 bar.<|im_end|>\n"
        f"<|im_start|>user\nAnd these?{VISION}{VISION}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_an_image_becomes_one_visual_token_per_32_pixel_square(processor) -> None:
    inputs = processor.apply_chat_template(
        image_prompt(640, 480), tokenize=True, add_generation_prompt=True, return_dict=True
    )
    image_pad = processor.tokenizer.convert_tokens_to_ids("<|image_pad|>")
    assert list(inputs["input_ids"][0]).count(image_pad) == (640 // 32) * (480 // 32)


def test_a_large_image_is_held_to_the_visual_token_budget(processor) -> None:
    inputs = processor.image_processor(images=[photo(1600, 1200)], return_tensors="pt")
    assert inputs["image_grid_thw"].prod().item() // 4 <= tiny.MAX_IMAGE_TOKENS


def test_transformers_generates_a_few_tokens_from_an_image_prompt(model_dir: Path, processor) -> None:
    from transformers import Qwen3VLForConditionalGeneration

    model = Qwen3VLForConditionalGeneration.from_pretrained(model_dir)
    inputs = processor.apply_chat_template(
        image_prompt(128, 96), tokenize=True, add_generation_prompt=True, return_dict=True, return_tensors="pt"
    )
    output = model.generate(**inputs, max_new_tokens=4, min_new_tokens=4, do_sample=False)
    assert output.shape[1] == inputs["input_ids"].shape[1] + 4
