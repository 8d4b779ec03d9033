"""The daily root: a Merkle tree over the case chains' heads, its inclusion proofs and its signature."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from cases.anchors import (
    Head,
    PublishedRoot,
    inclusion_path,
    leaf_hash,
    merkle_root,
    public_key_hex,
    root_from_path,
    signed_message,
    signing_key,
)


def _leaves(n: int) -> list[str]:
    return [leaf_hash(Head(i, i + 3, f"{i:064x}")) for i in range(1, n + 1)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17])
def test_every_leaf_proves_its_inclusion_and_no_other_leaf_does(n: int) -> None:
    leaves = _leaves(n)
    root = merkle_root(leaves)
    for index, leaf in enumerate(leaves):
        path = inclusion_path(leaves, index)
        assert root_from_path(leaf, path) == root
        other = leaves[(index + 1) % n]
        assert n == 1 or root_from_path(other, path) != root


def test_the_root_depends_on_every_head_and_their_order() -> None:
    leaves = _leaves(5)
    root = merkle_root(leaves)
    assert merkle_root([*leaves[:2], leaves[3], leaves[2], leaves[4]]) != root
    changed = leaf_hash(Head(3, 6, f"{4:064x}"))
    assert merkle_root([*leaves[:2], changed, *leaves[3:]]) != root
    assert merkle_root(leaves[:4]) != root
    # a leaf is not a node: (case, seq, hash) cannot pose as two children
    assert merkle_root([leaves[0]]) == leaves[0] != merkle_root([leaves[0], leaves[0]])
    assert len(merkle_root([])) == 64


def test_the_key_is_made_once_with_0600_and_a_forged_root_fails_its_signature(tmp_path: Path) -> None:
    path = tmp_path / "var" / "anchor.pem"
    key = signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_key_hex(signing_key(path)) == public_key_hex(key)  # read back, not made again
    root = merkle_root(_leaves(3))
    signed = PublishedRoot("2026-05-01", root, 3, key.sign(signed_message("2026-05-01", root, 3)).hex(),
                           public_key_hex(key))  # fmt: skip
    assert signed.signature_holds(public_key_hex(key))
    forged = PublishedRoot("2026-05-01", merkle_root(_leaves(4)), 3, signed.signature, signed.public_key)
    assert not forged.signature_holds()
    recount = PublishedRoot("2026-05-01", root, 2, signed.signature, signed.public_key)
    assert not recount.signature_holds()
    other = signing_key(tmp_path / "other.pem")
    resigned = PublishedRoot("2026-05-01", forged.root, 3,
                             other.sign(forged.message()).hex(), public_key_hex(other))  # fmt: skip
    assert resigned.signature_holds() and not resigned.signature_holds(public_key_hex(key))
    assert not PublishedRoot("2026-05-01", root, 3, "zz", signed.public_key).signature_holds()
