"""Where the diagram's boxes go: a grid of columns and rows, Availability Zone lanes, region boxes and edge paths."""

from __future__ import annotations

from advisor.diagram import (
    COL_GAP,
    GROUP_PAD,
    LANE_PAD,
    MARGIN,
    NODE_H,
    NODE_W,
    ROW_GAP,
    TITLE_H,
    Diagram,
    Group,
    Node,
    clip,
)


def layout(diagram: Diagram) -> Diagram:
    """Place every node on a grid: columns left to right, regions stacked, zones as bands."""
    used = sorted({n.column for n in diagram.nodes})
    column_of = {col: i for i, col in enumerate(used)}
    for node in diagram.nodes:
        node.column = column_of[node.column]
    regions = diagram.regions()
    lane_cols = sorted({n.column for n in diagram.nodes if n.lane is not None})

    def col_x(col: int) -> float:
        return MARGIN + GROUP_PAD + col * (NODE_W + COL_GAP)

    # Height of each region: zone bands, or the tallest stack of regional nodes, whichever is more.
    top: float = MARGIN
    for region in regions:
        zones = diagram.zones(region.region)
        lanes = max(len(zones), 1)
        lane_h: float = NODE_H + 2 * LANE_PAD + TITLE_H if zones else NODE_H + ROW_GAP
        stacks: dict[int, list[Node]] = {}
        for node in diagram.regional(region.region):
            stacks.setdefault(node.column, []).append(node)
        tallest = max((len(s) * NODE_H + (len(s) - 1) * ROW_GAP for s in stacks.values()), default=0)
        inner = max(lanes * lane_h + (lanes - 1) * ROW_GAP, tallest)
        lane_h = (inner - (lanes - 1) * ROW_GAP) / lanes
        region.y = top
        region.h = inner + TITLE_H + 2 * GROUP_PAD
        inner_top = top + TITLE_H + GROUP_PAD
        for zone in zones:
            assert zone.lane is not None
            zone.y = inner_top + zone.lane * (lane_h + ROW_GAP)
            zone.h = lane_h
            cols = lane_cols or [0]
            zone.x = col_x(min(cols)) - LANE_PAD
            zone.w = (max(cols) - min(cols)) * (NODE_W + COL_GAP) + NODE_W + 2 * LANE_PAD
        for node in diagram.nodes:
            if node.region != region.region:
                continue
            node.x = col_x(node.column)
            if node.lane is not None:
                node.y = inner_top + node.lane * (lane_h + ROW_GAP) + (lane_h - NODE_H + TITLE_H) / 2
        for stack in stacks.values():
            height = len(stack) * NODE_H + (len(stack) - 1) * ROW_GAP
            y = inner_top + (inner - height) / 2
            for node in stack:
                node.y = y
                y += NODE_H + ROW_GAP
        region_cols = sorted({n.column for n in diagram.nodes if n.region == region.region}) or [0]
        region.x = col_x(region_cols[0]) - GROUP_PAD
        region.w = (region_cols[-1] - region_cols[0]) * (NODE_W + COL_GAP) + NODE_W + 2 * GROUP_PAD
        region.w = max(region.w, len(clip(region.label, 60)) * 7.2 + 24)  # room for its title
        top += region.h + ROW_GAP
    total = top - ROW_GAP + MARGIN if regions else MARGIN * 2 + NODE_H

    # Nodes outside every region (users, DNS) sit level with the middle of the regions.
    for node in diagram.outside():
        node.x = col_x(node.column)
        node.y = (total - NODE_H) / 2
    diagram.width = (
        max([n.x + n.w + GROUP_PAD for n in diagram.nodes] + [g.x + g.w for g in regions]) + MARGIN
    )
    diagram.height = total
    _clear_corridors(diagram)
    boxes: list[Node | Group] = [*diagram.nodes, *diagram.groups]
    for box in boxes:
        box.x, box.y, box.w, box.h = round(box.x), round(box.y), round(box.w), round(box.h)
    diagram.width, diagram.height = round(diagram.width), round(diagram.height)
    by_id = {n.id: n for n in diagram.nodes}
    drawn: set[tuple[str, str]] = set()
    for edge in diagram.edges:
        a, b = by_id[edge.source], by_id[edge.target]
        junction = _junction(diagram, a, b)
        if junction is None:
            low, high = sorted((a.cy, b.cy))
            between = a.column == b.column and any(
                n.column == a.column and low < n.cy < high for n in diagram.nodes if n not in (a, b)
            )
            edge.path = _path(a, b, between)
            continue
        # Every zone's copy of a service talks to the same regional service: one line from the
        # gap between the zones, instead of one per zone cutting through the boxes beside them.
        if (junction[2], b.id) in drawn:
            edge.path = ""
            continue
        drawn.add((junction[2], b.id))
        x, y = junction[0], junction[1]
        bend = max((b.x - x) / 2, 20)
        edge.path = (
            f"M{x:.0f},{y:.0f} C{x + bend:.0f},{y:.0f} {b.x - bend:.0f},{b.cy:.0f} {b.x:.0f},{b.cy:.0f}"
        )
        edge.junction = True
    return diagram


def _clear_corridors(diagram: Diagram) -> None:
    """Lift a regional box that stands between the zones and a service they feed out of the way.

    Lines from the zones' junction run level with the gap between the zones; a box centred in
    the region would sit on that line and look like the source of the flow.
    """
    by_id = {n.id: n for n in diagram.nodes}
    for region in diagram.regions():
        zones = sorted(diagram.zones(region.region), key=lambda z: z.y)
        zone_cols = [n.column for n in diagram.nodes if n.region == region.region and n.lane is not None]
        if not zones or not zone_cols:
            continue
        targets = [
            by_id[e.target].column
            for e in diagram.edges
            if _junction(diagram, by_id[e.source], by_id[e.target]) is not None
        ]
        if not targets:
            continue
        for node in diagram.regional(region.region):
            if max(zone_cols) < node.column < max(targets):
                top = zones[0]
                node.y = top.y + (top.h - NODE_H + TITLE_H) / 2


def _junction(diagram: Diagram, a: Node, b: Node) -> tuple[float, float, str] | None:
    """Where edges from zone-bound `a` to regional `b` start, when `b` lies beyond the zones."""
    if a.lane is None or b.lane is not None or a.region is None or b.region != a.region:
        return None
    zones = diagram.zones(a.region)
    zone_cols = [n.column for n in diagram.nodes if n.region == a.region and n.lane is not None]
    if not zones or b.column <= max(zone_cols):
        return None
    if len(zones) == 1 and not any(a.column < col for col in zone_cols):
        return None  # one zone and nothing beside the source in it: a straight line is clearer
    right = zones[0].x + zones[0].w
    if len(zones) > 1:
        first, second = sorted(zones, key=lambda z: z.y)[:2]
        y = (first.y + first.h + second.y) / 2
    else:
        y = zones[0].y + zones[0].h + GROUP_PAD / 2
    return right, y, f"{a.region}:{a.kind}"


def _path(a: Node, b: Node, between: bool = False) -> str:
    if a.column == b.column:
        if between:  # boxes in the way: bow out to the right of the column and back
            x, bow = a.x + a.w, COL_GAP * 0.7
            return (
                f"M{x:.0f},{a.cy:.0f} C{x + bow:.0f},{a.cy:.0f} {x + bow:.0f},{b.cy:.0f} {x:.0f},{b.cy:.0f}"
            )
        x = a.x + 18  # a replica right below its primary: straight down the left side
        y1, y2 = (a.y + a.h, b.y) if b.y > a.y else (a.y, b.y + b.h)
        return f"M{x:.0f},{y1:.0f} L{x:.0f},{y2:.0f}"
    x1, y1 = a.x + a.w, a.cy
    x2, y2 = b.x, b.cy
    if b.x < a.x:
        x1, x2 = a.x, b.x + b.w
    bend = max(abs(x2 - x1) / 2, 20)
    sign = 1 if x2 > x1 else -1
    c1, c2 = x1 + sign * bend, x2 - sign * bend
    return f"M{x1:.0f},{y1:.0f} C{c1:.0f},{y1:.0f} {c2:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
