"""The memo's architecture diagram: boxes, groups and data flows derived from the decisions, on a grid.

The memo templates draw the same model twice: as a Mermaid flowchart (Markdown) and as inline SVG
(HTML), so both show the same design. Which boxes appear follows from the decisions only — no load
balancer box when the load balancer does not apply, a database box per database decision, two
regions for a multi-region layout — and every label is an option title from the rule pack, a
region code, or a data set's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from advisor.pack_models import NOT_APPLICABLE, DiagramRole

NA = NOT_APPLICABLE
NOTHING = DiagramRole(role="none")
Kind = Literal["actor", "network", "security", "compute", "database", "storage", "processing"]

NODE_W, NODE_H = 156, 58
COL_GAP, ROW_GAP = 40, 22
LABEL_CHARS = 21  # what fits on one line of a box at the SVG's label size
LANE_PAD = 14  # inside an Availability Zone band
GROUP_PAD = 18  # inside a region box, and room for its title
TITLE_H = 22
MARGIN = 16


@dataclass
class Node:
    id: str
    label: str
    detail: str
    kind: Kind
    column: int
    region: int | None = None  # index of the region box it sits in; None = outside any region
    lane: int | None = None  # the Availability Zone band within its region; None = regional
    # Layout, filled in by `layout`.
    x: float = 0
    y: float = 0
    w: float = NODE_W
    h: float = NODE_H

    @property
    def lines(self) -> list[str]:
        """The label on one or two lines of a box; a longer label is cut, its tooltip holds it all."""
        words, lines, current = self.label.split(), [], ""
        for word in words:
            if current and len(current) + 1 + len(word) > LABEL_CHARS:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        lines.append(current)
        if len(lines) > 2:
            lines = [lines[0], clip(" ".join(lines[1:]), LABEL_CHARS)]
        return [clip(line, LABEL_CHARS) for line in lines]

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Edge:
    source: str
    target: str
    label: str = ""
    dashed: bool = False
    path: str = ""  # SVG path, filled in by `layout`; empty when drawn by another edge's path
    junction: bool = False  # starts at the zones' shared junction rather than at its source box


@dataclass
class Group:
    id: str
    label: str
    kind: Literal["region", "az"]
    region: int
    lane: int | None = None
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0


@dataclass
class Diagram:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    width: float = 0
    height: float = 0

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def outside(self) -> list[Node]:
        return [n for n in self.nodes if n.region is None]

    def regions(self) -> list[Group]:
        return [g for g in self.groups if g.kind == "region"]

    def regional(self, region: int) -> list[Node]:
        return [n for n in self.nodes if n.region == region and n.lane is None]

    def zones(self, region: int) -> list[Group]:
        return [g for g in self.groups if g.kind == "az" and g.region == region]

    def in_zone(self, region: int, lane: int) -> list[Node]:
        return [n for n in self.nodes if n.region == region and n.lane == lane]

    # -- for Mermaid, which lays the boxes out itself (GitHub renders it with dagre): the order
    # boxes are declared in and the labels it is given are all that steer it towards the SVG's grid.

    def _zone_column(self, region: int) -> int | None:
        zoned = [n.column for n in self.nodes if n.region == region and n.lane is not None]
        return min(zoned) if zoned else None

    def regional_before(self, region: int) -> list[Node]:
        """Regional boxes left of the zones in the SVG (the entry: WAF, load balancer)."""
        column = self._zone_column(region)
        return [n for n in self.regional(region) if column is None or n.column < column]

    def regional_after(self, region: int) -> list[Node]:
        """Regional boxes right of the zones (regional data stores): declared after the zones, so
        Mermaid does not place them between the entry and the zones where edges cross them."""
        column = self._zone_column(region)
        return [n for n in self.regional(region) if column is not None and n.column >= column]

    def mermaid_spacers(self) -> list[tuple[str, str]]:
        """Invisible links (`a ~~~ b`) that hold a box in the SVG's column: a regional data store
        sits one column right of the databases there, but Mermaid would rank it beside them, and
        the compute-to-database edges then run through it (read as "S3 → Aurora")."""
        out = []
        linked = {(e.source, e.target) for e in self.edges}
        for region in self.regions():
            for index, node in enumerate(self.regional_after(region.region)):
                # Spread over the zones, so each store sits beside a zone and no edge crosses another store.
                anchors = [
                    n
                    for n in self.nodes
                    if n.region == node.region and n.lane is not None and n.column == node.column - 1
                ]
                if anchors:
                    anchor = anchors[index % len(anchors)]
                    if (anchor.id, node.id) not in linked:
                        out.append((anchor.id, node.id))
        return out

    def mermaid_edges(self) -> list[tuple[Edge, str]]:
        """Every edge with the label Mermaid shows: a label once per target box (the edges from
        each zone's copy of a service carry the same words, and stacked copies overlap)."""
        seen: set[tuple[str, str]] = set()
        out = []
        for edge in self.edges:
            key = (edge.label, edge.target)
            out.append((edge, "" if key in seen else edge.label))
            seen.add(key)
        return out


@dataclass(frozen=True)
class DatasetChoice:
    name: str
    service: DiagramRole  # how its storage service is drawn
    service_title: str
    storage_class: str
    class_title: str


@dataclass(frozen=True)
class Inputs:
    """What the diagram is drawn from: the choices, the titles of the chosen options, a few answers."""

    choices: dict[str, str]  # workload area -> option id
    titles: dict[str, str]  # workload area -> title of the chosen option
    roles: dict[str, DiagramRole]  # workload area -> how its chosen option is drawn (areas.yaml)
    datasets: list[DatasetChoice]
    web_firewall: bool  # a control whose role is a web firewall is part of the design
    workload_type: str
    protocol: str
    users: str  # regional | global
    public_facing: bool
    disaster_recovery: str
    region_title: str


SOURCES = {
    # Who sends the work, by workload type, when it is not internet users.
    "batch": "Job submitters",
    "scheduled_job": "Schedule",
    "event_driven": "Event sources",
    "stream_processing": "Stream producers",
    "ci_build": "Build triggers",
    "ml_training": "Training jobs",
    "hpc": "Job submitters",
    "rendering": "Render jobs",
    "media_transcoding": "Media uploads",
    "data_warehouse": "Analysts and BI tools",
    "analytics": "Analysts and BI tools",
}


def build(inputs: Inputs) -> Diagram:
    c = inputs.choices

    def role(area: str) -> DiagramRole:
        return inputs.roles.get(area, NOTHING)

    diagram = Diagram()
    compute, lb, database = role("compute_platform"), role("load_balancer"), role("database")
    layout_role = role("availability")
    region_count = layout_role.regions if layout_role.role == "layout" else 1
    lanes = layout_role.zones if layout_role.role == "layout" else 2

    # Columns, left to right; empty ones are dropped at layout time.
    USERS, DNS, CDN, WAF, LB, COMPUTE, DB, PROCESS, STORE = range(9)

    if inputs.public_facing:
        source = "Users worldwide" if inputs.users == "global" else "Users"
    else:
        source = SOURCES.get(inputs.workload_type, "Internal clients")
    diagram.nodes.append(Node("users", source, inputs.protocol.upper(), "actor", USERS))
    entry: list[str] = ["users"]

    show_dns = role("dns_routing").role == "dns" and (inputs.public_facing or lb.role == "load_balancer")
    if show_dns:
        diagram.nodes.append(
            Node("dns", "Amazon Route 53", f"{inputs.titles['dns_routing']} routing", "network", DNS)
        )
        diagram.edges.append(Edge("users", "dns", "DNS"))
        entry = ["dns"]

    edge = role("cdn").role == "cdn"
    if edge:
        # WAF attaches to the distribution, so the edge box carries it rather than a regional one.
        detail = "edge locations, AWS WAF" if inputs.web_firewall else "edge locations"
        diagram.nodes.append(Node("cdn", inputs.titles["cdn"], detail, "network", CDN))
        for e in entry:
            diagram.edges.append(Edge(e, "cdn", inputs.protocol.upper() if e == "users" else ""))
        entry = ["cdn"]

    for r in range(region_count):
        if region_count == 1:
            title = f"{c.get('region', '')} · {inputs.region_title}".strip(" ·")
        elif r == 0:
            title = f"{c.get('region', '')} · primary region".strip(" ·")
        else:
            title = (
                "standby region" if inputs.disaster_recovery != "active_active" else "second active region"
            )
        diagram.groups.append(Group(f"r{r}", title, "region", r))
        if compute.zonal or database.zonal:
            for lane in range(lanes):
                diagram.groups.append(
                    Group(f"r{r}z{lane}", f"Availability Zone {chr(ord('a') + lane)}", "az", r, lane)
                )

        front = entry
        if inputs.web_firewall and lb.behind_waf and not edge:
            diagram.nodes.append(Node(f"waf{r}", "AWS WAF", "web ACL", "security", WAF, r))
            for e in front:
                diagram.edges.append(Edge(e, f"waf{r}", inputs.protocol.upper() if e == "users" else ""))
            front = [f"waf{r}"]
        if lb.role == "load_balancer":
            diagram.nodes.append(
                Node(f"lb{r}", inputs.titles["load_balancer"], _lb_detail(lanes), "network", LB, r)
            )
            for e in front:
                diagram.edges.append(
                    Edge(e, f"lb{r}", inputs.protocol.upper() if e in ("users", "dns") else "")
                )
            front = [f"lb{r}"]

        computes = _compute_nodes(diagram, inputs, compute, r, lanes, COMPUTE)
        for e in front:
            for node in computes:
                diagram.edges.append(Edge(e, node, inputs.protocol.upper() if e in ("users", "dns") else ""))
        if not computes:
            computes = front if front != ["users"] else ["users"]

        dbs = _database_nodes(diagram, inputs, database, r, lanes, DB)
        if dbs:
            writer = dbs[0]
            for node in computes:
                diagram.edges.append(Edge(node, writer, "reads and writes"))
            for standby in dbs[1:]:
                diagram.edges.append(Edge(writer, standby, "replication", dashed=True))
            if r > 0:
                diagram.edges.append(Edge("db0_0", writer, "cross-region replication", dashed=True))

        if r == 0:
            _data_nodes(diagram, inputs, computes, PROCESS, STORE)
    return diagram


def _lb_detail(lanes: int) -> str:
    return "across both zones" if lanes > 1 else "one zone"


def _compute_nodes(
    diagram: Diagram, inputs: Inputs, compute: DiagramRole, r: int, lanes: int, column: int
) -> list[str]:
    c, t = inputs.choices, inputs.titles
    title = t.get("compute_platform", "")
    if compute.role == "functions":
        diagram.nodes.append(Node(f"fn{r}", compute.label or title, compute.detail, "compute", column, r))
        return [f"fn{r}"]
    if compute.role == "single_server":
        diagram.nodes.append(Node(f"c{r}_0", compute.label or title, compute.detail, "compute", column, r, 0))
        return [f"c{r}_0"]
    if compute.role == "tasks":
        orchestrator = (
            _short(t.get("container_orchestrator", ""))
            if c.get("container_orchestrator", NA) != NA
            else "Containers"
        )
        capacity = t.get("container_capacity", "") if c.get("container_capacity", NA) != NA else ""
        label, detail = f"{orchestrator} tasks", f"on {_short(capacity)}" if capacity else compute.detail
    elif compute.role == "instances":
        label, detail = compute.label or title, compute.detail or _family(inputs)
    else:
        return []
    ids = []
    for lane in range(lanes):
        node_id = f"c{r}_{lane}"
        diagram.nodes.append(Node(node_id, label, detail, "compute", column, r, lane))
        ids.append(node_id)
    return ids


def _family(inputs: Inputs) -> str:
    family = inputs.choices.get("instance_family", NA)
    if family == NA:
        return "Auto Scaling group"
    return f"{family.upper()} family" if len(family) <= 3 else inputs.titles["instance_family"]


def _short(title: str) -> str:
    # "EC2 capacity (Auto Scaling group)" -> "EC2 capacity": a box label, not a description.
    return title.split(" (")[0]


def _database_nodes(
    diagram: Diagram, inputs: Inputs, database: DiagramRole, r: int, lanes: int, column: int
) -> list[str]:
    title = inputs.titles.get("database", "")
    if database.role == "regional_table":
        multi_region = inputs.roles.get("availability", NOTHING).regions > 1
        detail = "global table" if multi_region else database.detail
        diagram.nodes.append(Node(f"db{r}_0", title, detail, "database", column, r))
        return [f"db{r}_0"]
    if database.role != "zonal_nodes" or not database.nodes:
        return []
    ids = []
    # One node per zone, named in turn by `nodes` (the last name repeats); a single-name role is one
    # node that the user does not place per zone (a Redshift cluster).
    for lane in range(min(lanes, len(database.nodes)) if len(database.nodes) == 1 else lanes):
        name = database.nodes[min(lane, len(database.nodes) - 1)]
        if r > 0 and lane == 0:
            name = "replica"
        node_id = f"db{r}_{lane}"
        diagram.nodes.append(Node(node_id, title, name, "database", column, r, lane))
        ids.append(node_id)
    return ids


def _data_nodes(
    diagram: Diagram, inputs: Inputs, computes: list[str], process_col: int, store_col: int
) -> None:
    stores: list[str] = []
    for index, dataset in enumerate(inputs.datasets):
        node_id = f"ds{index}"
        store = dataset.service
        if store.shows_class:
            detail = dataset.class_title if dataset.storage_class != NA else dataset.service_title
        else:
            detail = dataset.service_title
        label = f"{store.prefix}{dataset.name}"
        diagram.nodes.append(Node(node_id, label, detail, "storage", store_col, 0))
        stores.append(node_id)
        for node in computes:
            if node != "users":
                diagram.edges.append(Edge(node, node_id, store.flow))
    if inputs.roles.get("data_processing", NOTHING).role == "pipeline":
        diagram.nodes.append(
            Node("proc", inputs.titles["data_processing"], "data pipeline", "processing", process_col, 0)
        )
        for node in computes:
            diagram.edges.append(Edge(node, "proc", "events and data"))
        for node_id in stores:
            diagram.edges.append(Edge("proc", node_id, "writes"))


def clip(text: str, width: int) -> str:
    """Shorten a label to fit a box; the full text goes into the box's tooltip."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
