# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tags: the one conversion between AWS's ``[{"Key": k, "Value": v}]`` and a dict, and validation.

Every module compares tags as dicts of strings (``to_dict`` both sides), and sends them with
``to_list`` (sorted by key, so a request is the same for the same tags).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils import _naming

TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256


def to_list(tags, key="Key", value="Value"):
    """``{"a": "1"}`` -> ``[{"Key": "a", "Value": "1"}]``, sorted by key."""
    return [{key: name, value: (tags or {})[name]} for name in sorted(tags or {})]


def to_dict(items, key="Key", value="Value"):
    """``[{"Key": "a", "Value": "1"}]`` (or None) -> ``{"a": "1"}``."""
    return dict((item[key], item.get(value, "")) for item in items or [])


def missing(current, wanted):
    """The tags of ``wanted`` that ``current`` lacks or holds with another value (what to add)."""
    return dict((key, value) for key, value in (wanted or {}).items() if (current or {}).get(key) != value)


def validate(tags, org=None, limit=None, what="resource"):
    """Extra tags as a dict of strings; NamingError quoting the broken rule.

    Keys 1-128 characters, never ``aws:``; values strings of at most 256 (numbers and booleans are
    turned into strings, None into ""). With ``org``, an ``OrgId`` spelled otherwise or with another
    value is refused (it is set from the org). ``limit``: the most tags the resource takes in all.
    """
    result = {}
    for key, value in (tags or {}).items():
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX or key.lower().startswith("aws:"):
            raise _naming.NamingError("invalid tag key %r: 1 to %d characters, not starting with 'aws:'" % (key, TAG_KEY_MAX))
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif value is None:
            value = ""
        elif isinstance(value, (int, float, str)):
            value = str(value)
        else:
            raise _naming.NamingError("invalid value of tag %r: a string of at most %d characters" % (key, TAG_VALUE_MAX))
        if len(value) > TAG_VALUE_MAX:
            raise _naming.NamingError("invalid value of tag %r: a string of at most %d characters" % (key, TAG_VALUE_MAX))
        if org is not None and key.lower() == _naming.ORG_TAG_KEY.lower() and (key != _naming.ORG_TAG_KEY or value != org):
            raise _naming.NamingError("tag %r is set from org (%s=%s); do not give another value or spelling in tags"
                                      % (key, _naming.ORG_TAG_KEY, org))
        result[key] = value
    total = _naming.org_tags(org, result) if org is not None else result
    if limit is not None and len(total) > limit:
        raise _naming.NamingError("too many tags: a %s takes at most %d" % (what, limit))
    return result
