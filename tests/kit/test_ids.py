"""Ids (COMPAT §1.7): unique across the processes that make them, forked ones included
(`spaceport serve --workers N` and worker pools fork after importing kit.ids)."""

from __future__ import annotations

import os

from spaceport.kit.ids import is_id, new_id

COUNT = 2000


def ids_made_in_a_forked_child() -> list[str]:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: make ids and hand them over, then leave at once
        try:
            os.close(read)
            with os.fdopen(write, "w") as out:
                out.write("\n".join(new_id() for _ in range(COUNT)))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as given:
        made = given.read().split("\n")
    os.waitpid(child, 0)
    return made


def test_a_forked_process_makes_ids_of_its_own() -> None:
    new_id()  # the parent's state is in use before the fork
    child = ids_made_in_a_forked_child()
    parent = [new_id() for _ in range(COUNT)]
    assert len(child) == COUNT and all(is_id(made) for made in child)
    assert not set(child) & set(parent)
    # the per-process random part differs, whatever second each was made in
    assert {made[8:18] for made in child} != {made[8:18] for made in parent}
