#pragma once
// Network-on-chip topologies: which directed links a spike message crosses from one tile's
// router to another's. Cores sit in tiles; messages between cores of one tile cross no link.
//   mesh: width × height tiles, tile t at (x, y) = (t % width, t / width), one router per tile,
//         links between 4-neighbours, dimension-order routing (x first, then y).
//   tree: the tiles are the leaves of a tree of routers with `arity` children each; a message
//         climbs to the lowest common ancestor of its two tiles and descends, crossing
//         2 × (levels up to that ancestor) links.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/neuromorphic/chip_params.hpp"

namespace fluxon {

enum class hop_kind : std::uint8_t { east_west, north_south, tree };

struct route_hop {
    std::uint32_t link = 0;  // index < noc_topology::links()
    hop_kind kind = hop_kind::east_west;
};

class noc_topology {
public:
    virtual ~noc_topology() = default;
    virtual noc_topology_kind kind() const = 0;
    virtual std::uint32_t tiles() const = 0;
    virtual std::uint32_t links() const = 0;
    // Appends to `hops` the links a message from `from_tile` to `to_tile` crosses, in order
    // (nothing when the tiles are equal). Deterministic; allocation-free once `hops` has grown.
    virtual void route(std::uint32_t from_tile, std::uint32_t to_tile, std::vector<route_hop>& hops) const = 0;
    // "tile3", "tile(2,1)" / "router(1,0)": names used in ledger component paths and reports.
    virtual std::string tile_name(std::uint32_t tile) const = 0;
    virtual std::string link_name(std::uint32_t link) const = 0;
    // The kind of hop crossing `link` is (its direction on the mesh; tree links are all alike).
    virtual hop_kind link_kind(std::uint32_t link) const = 0;
    // Tiles in the order a mapper should fill them so that consecutive tiles are close:
    // a boustrophedon (snake) over the mesh rows; the leaf order of the tree.
    virtual std::vector<std::uint32_t> placement_order() const = 0;
};

// Throws config_error naming the field when a dimension is zero or arity < 2.
std::unique_ptr<noc_topology> make_mesh(std::uint32_t width, std::uint32_t height);
std::unique_ptr<noc_topology> make_tree(std::uint32_t tiles, std::uint32_t arity);
// From the chip's noc section.
std::unique_ptr<noc_topology> make_topology(const chip_params& chip);

}  // namespace fluxon
