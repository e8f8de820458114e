"""Publish a shipped release to the Hugging Face Hub: the only module that uses the network.

A release folder is already a complete Hub dataset repository (card with configs, Parquet
shards, ``croissant.json``, ``manifest.json``), so publishing is one commit of exactly the files
its manifest lists, each verified against its sha256 first, followed by the tag
``v<version>`` on that commit. Users then pin it: ``load_dataset("<org>/caucasus-cables",
"cables", revision="v1.0.0")``. Released versions are immutable here too: when the tag
exists, nothing is uploaded.

``plan_publish`` works offline (it is what ``--dry-run`` prints); ``publish`` imports
``huggingface_hub`` (installed with ``datasets``) only when it runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from caucasus_cables.errors import PublishError
from caucasus_cables.load import FileInfo, verified_release

__all__ = ["PublishPlan", "plan_publish", "publish"]

HUB = "https://huggingface.co/datasets"

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


@dataclass(frozen=True)
class PublishPlan:
    """What ``publish`` will do: upload ``files`` of ``release`` to ``repo_id`` (removing any
    other file there), then tag the commit ``tag``."""

    repo_id: str
    version: str
    release: Path
    files: tuple[FileInfo, ...]

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def url(self) -> str:
        return f"{HUB}/{self.repo_id}"

    @property
    def total_bytes(self) -> int:
        return sum(entry.bytes for entry in self.files)

    def summary(self) -> str:
        """The plan in words, one line per file."""
        lines = [
            f"upload {len(self.files)} files ({self.total_bytes:,} bytes) of dataset version "
            f"{self.version} to {self.url}, replacing the files there, then tag {self.tag}"
        ]
        lines += [f"  {e.path}  {e.bytes:,} bytes  sha256 {e.sha256}" for e in self.files]
        return "\n".join(lines)


def plan_publish(repo_id: str, *, version: str | None = None) -> PublishPlan:
    """Check the release (every file against the manifest) and say what publishing would do.

    >>> plan_publish("my-org/caucasus-cables").tag.startswith("v")
    True

    Raises PublishError for a repo id that is not ``owner/name``, and what ``load()`` raises
    for an unknown version or a changed file.
    """
    if not _REPO_ID.match(repo_id):
        raise PublishError(
            f"repo id {repo_id!r} is not 'owner/name', e.g. 'my-org/caucasus-cables'"
        )
    release, files = verified_release(version)
    return PublishPlan(repo_id=repo_id, version=release.name, release=release, files=tuple(files))


def publish(plan: PublishPlan, *, token: str | None = None, private: bool = False) -> str:
    """Carry out ``plan``: create the dataset repo if needed, commit the files, tag the commit.

    ``token`` defaults to what ``huggingface_hub`` finds (``HF_TOKEN``, ``hf auth login``).
    Returns the URL of the commit. Raises PublishError when the tag exists already (nothing is
    uploaded then) or the Hub refuses.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi(token=token)
    try:
        api.create_repo(plan.repo_id, repo_type="dataset", exist_ok=True, private=private)
        tags = {ref.name for ref in api.list_repo_refs(plan.repo_id, repo_type="dataset").tags}
        if plan.tag in tags:
            raise PublishError(
                f"{plan.url} already has tag {plan.tag}; released versions are immutable, so "
                "nothing was uploaded (bump the dataset version to publish changed data)"
            )
        commit = api.upload_folder(
            repo_id=plan.repo_id,
            repo_type="dataset",
            folder_path=plan.release,
            allow_patterns=[entry.path for entry in plan.files],
            delete_patterns="*",
            commit_message=f"caucasus-cables dataset {plan.version}",
        )
        api.create_tag(
            plan.repo_id,
            repo_type="dataset",
            tag=plan.tag,
            revision=commit.oid,
            tag_message=f"caucasus-cables dataset {plan.version}",
        )
    except HfHubHTTPError as exc:
        raise PublishError(f"the Hub refused: {exc}") from exc
    return commit.commit_url
