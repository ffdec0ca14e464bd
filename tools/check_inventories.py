"""Validate every fusion.pos inventory: tools/check-inventories [INVENTORIES_DIR]

(tools/check-inventories runs this file with the .venv Python.)

Org IDs follow the rule, are unique across all environments (case-insensitively; the sandbox is
checked on its own), every org file and every environment's settings have what they need.
Exit 0 and a one-line summary when all is well; exit 1 and one line per problem otherwise.
The checks are those of fusion.pos.fusion_inventory_check (plugins/plugin_utils/_inventory.py; provision.yml
runs them too).
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".deps"))

from ansible_collections.fusion.pos.plugins.plugin_utils._inventory import Tree, inventory_root  # noqa: E402  pylint: disable=wrong-import-position


def main(argv):
    if len(argv) > 1 or (argv and argv[0] in ("-h", "--help")):
        print(__doc__.strip())
        return 2
    path = argv[0] if argv else str(ROOT / "inventories")
    tree = Tree(inventory_root(path))
    if tree.errors:
        for line in tree.errors:
            print("ERROR: %s" % line)
        return 1
    per_inventory = {}
    for decls in tree.orgs.values():
        for decl in decls:
            per_inventory.setdefault(decl["inventory"], []).append(decl["org"])
    summary = ["%s: %s" % (name, ", ".join(sorted(per_inventory.get(name, []))) or "no orgs")
               for name in sorted(tree.inventories)]
    print("inventories OK: " + "; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
