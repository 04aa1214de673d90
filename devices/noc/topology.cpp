#include "devices/noc/topology.hpp"

#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "engine/base/errors.hpp"

namespace fluxon {

namespace {

constexpr std::uint64_t max_index = std::numeric_limits<std::uint32_t>::max();

// Routing is on the hot path of timed runs, so a bad tile index is a caller bug, not user input.
void check_tiles(std::uint32_t from, std::uint32_t to, std::uint32_t tiles) {
    if (from >= tiles || to >= tiles) {
        throw internal_error(fmt::format("noc route from tile {} to tile {} on a topology of {} tiles",
                                         from, to, tiles));
    }
}

void check_link(std::uint32_t link, std::uint32_t links) {
    if (link >= links) throw internal_error(fmt::format("noc link {} of {} links", link, links));
}

// Mesh links come in pairs, one per direction: first the horizontal pairs row by row, then the
// vertical pairs. Within a pair the even index points towards the larger coordinate.
class mesh_topology final : public noc_topology {
public:
    mesh_topology(std::uint32_t width, std::uint32_t height)
        : width_(width), height_(height), horizontal_(2 * (width - 1) * height),
          links_(horizontal_ + 2 * width * (height - 1)) {}

    noc_topology_kind kind() const override { return noc_topology_kind::mesh; }
    std::uint32_t tiles() const override { return width_ * height_; }
    std::uint32_t links() const override { return links_; }

    void route(std::uint32_t from, std::uint32_t to, std::vector<route_hop>& hops) const override {
        check_tiles(from, to, tiles());
        std::uint32_t x = from % width_;
        const std::uint32_t y = from / width_, tx = to % width_, ty = to / width_;
        for (; x < tx; ++x) hops.push_back({x_link(x, y, true), hop_kind::east_west});
        for (; x > tx; --x) hops.push_back({x_link(x - 1, y, false), hop_kind::east_west});
        for (std::uint32_t v = y; v < ty; ++v) hops.push_back({y_link(x, v, true), hop_kind::north_south});
        for (std::uint32_t v = y; v > ty; --v) {
            hops.push_back({y_link(x, v - 1, false), hop_kind::north_south});
        }
    }

    std::string tile_name(std::uint32_t tile) const override {
        return fmt::format("tile({},{})", tile % width_, tile / width_);
    }

    std::string link_name(std::uint32_t link) const override {
        check_link(link, links_);
        const bool forward = link % 2 == 0;
        std::uint32_t x = 0, y = 0, x2 = 0, y2 = 0;
        if (link < horizontal_) {
            const std::uint32_t pair = link / 2;
            x = pair % (width_ - 1);
            y = y2 = pair / (width_ - 1);
            x2 = x + 1;
        } else {
            const std::uint32_t pair = (link - horizontal_) / 2;
            x = x2 = pair % width_;
            y = pair / width_;
            y2 = y + 1;
        }
        if (!forward) {
            std::swap(x, x2);
            std::swap(y, y2);
        }
        return fmt::format("tile({},{})->tile({},{})", x, y, x2, y2);
    }

    hop_kind link_kind(std::uint32_t link) const override {
        check_link(link, links_);
        return link < horizontal_ ? hop_kind::east_west : hop_kind::north_south;
    }

    std::vector<std::uint32_t> placement_order() const override {
        std::vector<std::uint32_t> order;
        order.reserve(tiles());
        for (std::uint32_t y = 0; y < height_; ++y) {
            for (std::uint32_t i = 0; i < width_; ++i) {
                const std::uint32_t x = y % 2 == 0 ? i : width_ - 1 - i;
                order.push_back(y * width_ + x);
            }
        }
        return order;
    }

private:
    // The link between (x, y) and (x + 1, y); `east` picks the direction towards x + 1.
    std::uint32_t x_link(std::uint32_t x, std::uint32_t y, bool east) const {
        return 2 * (y * (width_ - 1) + x) + (east ? 0 : 1);
    }
    // The link between (x, y) and (x, y + 1); `south` picks the direction towards y + 1.
    std::uint32_t y_link(std::uint32_t x, std::uint32_t y, bool south) const {
        return horizontal_ + 2 * (y * width_ + x) + (south ? 0 : 1);
    }

    std::uint32_t width_, height_;
    std::uint32_t horizontal_;  // links between horizontal neighbours; vertical links follow
    std::uint32_t links_;
};

// Every node but the root (leaves at level 0, routers above) has one edge to its parent,
// carrying an up link (even index) and a down link (odd index). Edges are numbered level by
// level, so edge_base_[level] + node is the edge above `node` of that level.
class tree_topology final : public noc_topology {
public:
    tree_topology(std::uint32_t tiles, std::uint32_t arity) : tiles_(tiles), arity_(arity) {
        std::uint64_t nodes = tiles, edges = 0;
        while (nodes > 1) {
            edge_base_.push_back(static_cast<std::uint32_t>(edges));
            edges += nodes;
            nodes = (nodes + arity - 1) / arity;
        }
        if (2 * edges > max_index) {
            throw config_error(fmt::format("a tree of {} tiles has too many links", tiles),
                               {.key = "noc.tree_tiles"});
        }
        links_ = static_cast<std::uint32_t>(2 * edges);
    }

    noc_topology_kind kind() const override { return noc_topology_kind::tree; }
    std::uint32_t tiles() const override { return tiles_; }
    std::uint32_t links() const override { return links_; }

    void route(std::uint32_t from, std::uint32_t to, std::vector<route_hop>& hops) const override {
        check_tiles(from, to, tiles_);
        std::uint32_t levels = 0;
        for (std::uint32_t a = from, b = to; a != b; a /= arity_, b /= arity_) ++levels;
        // The descent visits the levels in reverse, so its hops are written from the back.
        const std::size_t start = hops.size(), end = start + 2 * std::size_t{levels};
        hops.resize(end);
        std::uint32_t a = from, b = to;
        for (std::uint32_t level = 0; level < levels; ++level, a /= arity_, b /= arity_) {
            hops[start + level] = {2 * (edge_base_[level] + a), hop_kind::tree};
            hops[end - 1 - level] = {2 * (edge_base_[level] + b) + 1, hop_kind::tree};
        }
    }

    std::string tile_name(std::uint32_t tile) const override { return fmt::format("tile{}", tile); }

    std::string link_name(std::uint32_t link) const override {
        check_link(link, links_);
        const std::uint32_t edge = link / 2;
        std::uint32_t level = 0;
        while (level + 1 < edge_base_.size() && edge_base_[level + 1] <= edge) ++level;
        const std::uint32_t node = edge - edge_base_[level];
        const std::string below = node_name(level, node), above = node_name(level + 1, node / arity_);
        return link % 2 == 0 ? below + "->" + above : above + "->" + below;
    }

    hop_kind link_kind(std::uint32_t link) const override {
        check_link(link, links_);
        return hop_kind::tree;
    }

    std::vector<std::uint32_t> placement_order() const override {
        std::vector<std::uint32_t> order(tiles_);
        for (std::uint32_t t = 0; t < tiles_; ++t) order[t] = t;
        return order;
    }

private:
    static std::string node_name(std::uint32_t level, std::uint32_t node) {
        return level == 0 ? fmt::format("tile{}", node) : fmt::format("router(L{},{})", level, node);
    }

    std::uint32_t tiles_, arity_;
    std::uint32_t links_ = 0;
    std::vector<std::uint32_t> edge_base_;    // index of the first edge above each level
};

}  // namespace

std::unique_ptr<noc_topology> make_mesh(std::uint32_t width, std::uint32_t height) {
    if (width == 0) {
        throw config_error("a mesh needs at least one column of tiles", {.key = "noc.mesh_width"});
    }
    if (height == 0) {
        throw config_error("a mesh needs at least one row of tiles", {.key = "noc.mesh_height"});
    }
    // Every tile index and every link index (at most 4 per tile) must fit 32 bits.
    if (4 * std::uint64_t{width} * height > max_index) {
        throw config_error(fmt::format("a {}x{} mesh has too many tiles", width, height),
                           {.key = "noc.mesh_width"});
    }
    return std::make_unique<mesh_topology>(width, height);
}

std::unique_ptr<noc_topology> make_tree(std::uint32_t tiles, std::uint32_t arity) {
    if (tiles == 0) throw config_error("a tree needs at least one tile", {.key = "noc.tree_tiles"});
    if (arity < 2) {
        throw config_error(fmt::format("a tree router needs at least 2 children, not {}", arity),
                           {.key = "noc.tree_arity"});
    }
    return std::make_unique<tree_topology>(tiles, arity);
}

std::unique_ptr<noc_topology> make_topology(const chip_params& chip) {
    switch (chip.noc.topology) {
        case noc_topology_kind::mesh: return make_mesh(chip.noc.mesh_width, chip.noc.mesh_height);
        case noc_topology_kind::tree: return make_tree(chip.tree_tiles, chip.noc.tree_arity);
    }
    throw internal_error("unknown noc topology kind");
}

}  // namespace fluxon
