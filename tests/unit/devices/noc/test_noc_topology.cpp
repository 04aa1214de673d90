#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "devices/noc/topology.hpp"
#include "engine/base/errors.hpp"

using namespace fluxon;

namespace {

std::vector<route_hop> route_of(const noc_topology& topo, std::uint32_t from, std::uint32_t to) {
    std::vector<route_hop> hops;
    topo.route(from, to, hops);
    return hops;
}

std::vector<std::string> names_of(const noc_topology& topo, const std::vector<route_hop>& hops) {
    std::vector<std::string> names;
    for (const route_hop& h : hops) names.push_back(topo.link_name(h.link));
    return names;
}

std::string key_of(const auto& make) {
    try {
        make();
    } catch (const config_error& e) {
        return e.site().key;
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("devices: mesh counts tiles and directed links, and names tiles by coordinates") {
    const auto mesh = make_mesh(8, 4);
    CHECK(mesh->kind() == noc_topology_kind::mesh);
    CHECK(mesh->tiles() == 32);
    // 7 horizontal neighbour pairs in each of 4 rows, 3 vertical pairs in each of 8 columns,
    // two directions each.
    CHECK(mesh->links() == 2 * (7 * 4 + 3 * 8));
    CHECK(mesh->tile_name(0) == "tile(0,0)");
    CHECK(mesh->tile_name(19) == "tile(3,2)");
    CHECK(mesh->tile_name(31) == "tile(7,3)");
    // Every link has its own name, and names a pair of 4-neighbours.
    std::set<std::string> names;
    for (std::uint32_t l = 0; l < mesh->links(); ++l) names.insert(mesh->link_name(l));
    CHECK(names.size() == mesh->links());
    CHECK(names.count("tile(0,0)->tile(1,0)") == 1);
    CHECK(names.count("tile(1,0)->tile(0,0)") == 1);
    CHECK(names.count("tile(7,2)->tile(7,3)") == 1);
    CHECK(names.count("tile(7,3)->tile(7,2)") == 1);
    CHECK(names.count("tile(7,0)->tile(0,1)") == 0);  // no wrap-around
    // A link's kind is the kind of every hop that crosses it.
    for (std::uint32_t a = 0; a < mesh->tiles(); ++a) {
        for (std::uint32_t b = 0; b < mesh->tiles(); ++b) {
            for (const route_hop& h : route_of(*mesh, a, b)) CHECK(mesh->link_kind(h.link) == h.kind);
        }
    }
}

TEST_CASE("devices: mesh routes x first, then y") {
    const auto mesh = make_mesh(8, 4);
    const std::uint32_t a = 0, b = 2 * 8 + 3;  // (0,0) and (3,2)
    const auto there = route_of(*mesh, a, b);
    REQUIRE(there.size() == 5);
    CHECK(names_of(*mesh, there) ==
          std::vector<std::string>{"tile(0,0)->tile(1,0)", "tile(1,0)->tile(2,0)", "tile(2,0)->tile(3,0)",
                                   "tile(3,0)->tile(3,1)", "tile(3,1)->tile(3,2)"});
    for (int k = 0; k < 3; ++k) CHECK(there[k].kind == hop_kind::east_west);
    for (int k = 3; k < 5; ++k) CHECK(there[k].kind == hop_kind::north_south);

    // Back again: x first as well, so along row 2 and then up column 0 -- not the same links.
    const auto back = route_of(*mesh, b, a);
    REQUIRE(back.size() == 5);
    CHECK(names_of(*mesh, back) ==
          std::vector<std::string>{"tile(3,2)->tile(2,2)", "tile(2,2)->tile(1,2)", "tile(1,2)->tile(0,2)",
                                   "tile(0,2)->tile(0,1)", "tile(0,1)->tile(0,0)"});
    for (int k = 0; k < 3; ++k) CHECK(back[k].kind == hop_kind::east_west);
    for (int k = 3; k < 5; ++k) CHECK(back[k].kind == hop_kind::north_south);

    // Only along y: (5,3) -> (5,0).
    const auto up = route_of(*mesh, 3 * 8 + 5, 5);
    CHECK(names_of(*mesh, up) == std::vector<std::string>{"tile(5,3)->tile(5,2)", "tile(5,2)->tile(5,1)",
                                                          "tile(5,1)->tile(5,0)"});
    for (const route_hop& h : up) CHECK(h.kind == hop_kind::north_south);
}

TEST_CASE("devices: mesh route appends, is empty within a tile, and uses one link per direction") {
    const auto mesh = make_mesh(8, 4);
    std::vector<route_hop> hops{{7, hop_kind::tree}};
    mesh->route(19, 19, hops);
    REQUIRE(hops.size() == 1);  // nothing appended, nothing cleared
    CHECK(hops[0].link == 7);
    mesh->route(0, 1, hops);
    REQUIRE(hops.size() == 2);
    CHECK(mesh->link_name(hops[1].link) == "tile(0,0)->tile(1,0)");

    const auto east = route_of(*mesh, 0, 1), west = route_of(*mesh, 1, 0);
    const auto south = route_of(*mesh, 0, 8), north = route_of(*mesh, 8, 0);
    REQUIRE(east.size() == 1);
    REQUIRE(west.size() == 1);
    REQUIRE(south.size() == 1);
    REQUIRE(north.size() == 1);
    CHECK(east[0].link != west[0].link);
    CHECK(south[0].link != north[0].link);
    CHECK(mesh->link_name(north[0].link) == "tile(0,1)->tile(0,0)");
}

TEST_CASE("devices: every mesh route has |dx| + |dy| chained hops within range") {
    const auto mesh = make_mesh(5, 3);
    for (std::uint32_t a = 0; a < mesh->tiles(); ++a) {
        for (std::uint32_t b = 0; b < mesh->tiles(); ++b) {
            const auto hops = route_of(*mesh, a, b);
            const int dx = std::abs(int(a % 5) - int(b % 5)), dy = std::abs(int(a / 5) - int(b / 5));
            CHECK(hops.size() == std::size_t(dx + dy));
            std::string at = mesh->tile_name(a);
            for (const route_hop& h : hops) {
                REQUIRE(h.link < mesh->links());
                const std::string name = mesh->link_name(h.link);
                const auto arrow = name.find("->");
                CHECK(name.substr(0, arrow) == at);  // each hop starts where the last one ended
                at = name.substr(arrow + 2);
            }
            CHECK(at == mesh->tile_name(b));
        }
    }
}

TEST_CASE("devices: mesh placement order snakes over the rows") {
    CHECK(make_mesh(3, 3)->placement_order() == std::vector<std::uint32_t>{0, 1, 2, 5, 4, 3, 6, 7, 8});
    CHECK(make_mesh(4, 2)->placement_order() == std::vector<std::uint32_t>{0, 1, 2, 3, 7, 6, 5, 4});
    CHECK(make_mesh(1, 3)->placement_order() == std::vector<std::uint32_t>{0, 1, 2});
    const auto single = make_mesh(1, 1);
    CHECK(single->links() == 0);
    CHECK(route_of(*single, 0, 0).empty());
}

TEST_CASE("devices: tree of arity 4 over 32 tiles climbs to the lowest common ancestor") {
    const auto tree = make_tree(32, 4);
    CHECK(tree->kind() == noc_topology_kind::tree);
    CHECK(tree->tiles() == 32);
    // 32 leaves, 8 level-1 and 2 level-2 routers have a parent (the root); two links per edge.
    CHECK(tree->links() == 2 * (32 + 8 + 2));
    CHECK(tree->tile_name(3) == "tile3");

    const auto same_group = route_of(*tree, 0, 3);
    CHECK(names_of(*tree, same_group) ==
          std::vector<std::string>{"tile0->router(L1,0)", "router(L1,0)->tile3"});
    const auto same_l2 = route_of(*tree, 0, 5);
    CHECK(names_of(*tree, same_l2) ==
          std::vector<std::string>{"tile0->router(L1,0)", "router(L1,0)->router(L2,0)",
                                   "router(L2,0)->router(L1,1)", "router(L1,1)->tile5"});
    const auto across_root = route_of(*tree, 15, 16);
    CHECK(names_of(*tree, across_root) ==
          std::vector<std::string>{"tile15->router(L1,3)", "router(L1,3)->router(L2,0)",
                                   "router(L2,0)->router(L3,0)", "router(L3,0)->router(L2,1)",
                                   "router(L2,1)->router(L1,4)", "router(L1,4)->tile16"});
    CHECK(route_of(*tree, 0, 31).size() == 6);
    CHECK(route_of(*tree, 17, 30).size() == 4);
    CHECK(route_of(*tree, 28, 31).size() == 2);
    CHECK(route_of(*tree, 9, 9).empty());
    for (const route_hop& h : across_root) CHECK(h.kind == hop_kind::tree);
    for (std::uint32_t l = 0; l < tree->links(); ++l) CHECK(tree->link_kind(l) == hop_kind::tree);

    // Up and down the same edge are different links.
    const auto up = route_of(*tree, 0, 1), down = route_of(*tree, 1, 0);
    REQUIRE(up.size() == 2);
    REQUIRE(down.size() == 2);
    CHECK(up[0].link != down[1].link);
    CHECK(tree->link_name(down[1].link) == "router(L1,0)->tile0");

    std::set<std::string> names;
    for (std::uint32_t l = 0; l < tree->links(); ++l) names.insert(tree->link_name(l));
    CHECK(names.size() == tree->links());
    CHECK(tree->placement_order() == [] {
        std::vector<std::uint32_t> leaves(32);
        for (std::uint32_t t = 0; t < 32; ++t) leaves[t] = t;
        return leaves;
    }());
}

TEST_CASE("devices: tree with a partly filled last group, and with one tile") {
    const auto tree = make_tree(5, 4);  // level 1: router 0 over tiles 0-3, router 1 over tile 4
    CHECK(tree->links() == 2 * (5 + 2));
    CHECK(names_of(*tree, route_of(*tree, 4, 0)) ==
          std::vector<std::string>{"tile4->router(L1,1)", "router(L1,1)->router(L2,0)",
                                   "router(L2,0)->router(L1,0)", "router(L1,0)->tile0"});
    const auto flat = make_tree(3, 4);  // one router is the root
    CHECK(flat->links() == 6);
    CHECK(names_of(*flat, route_of(*flat, 2, 1)) ==
          std::vector<std::string>{"tile2->router(L1,0)", "router(L1,0)->tile1"});
    const auto single = make_tree(1, 2);
    CHECK(single->tiles() == 1);
    CHECK(single->links() == 0);
    CHECK(route_of(*single, 0, 0).empty());
    CHECK(single->placement_order() == std::vector<std::uint32_t>{0});
}

TEST_CASE("devices: noc topologies refuse zero dimensions and arity below 2") {
    CHECK(key_of([] { make_mesh(0, 4); }) == "noc.mesh_width");
    CHECK(key_of([] { make_mesh(4, 0); }) == "noc.mesh_height");
    CHECK(key_of([] { make_tree(8, 1); }) == "noc.tree_arity");
    CHECK(key_of([] { make_tree(8, 0); }) == "noc.tree_arity");
    CHECK(key_of([] { make_tree(0, 4); }) == "noc.tree_tiles");
    CHECK(key_of([] { make_mesh(1, 1); }) == "(no error)");
}

TEST_CASE("devices: make_topology follows the chip's noc section") {
    chip_params chip;
    chip.noc.topology = noc_topology_kind::mesh;
    chip.noc.mesh_width = 8;
    chip.noc.mesh_height = 4;
    const auto mesh = make_topology(chip);
    CHECK(mesh->kind() == noc_topology_kind::mesh);
    CHECK(mesh->tiles() == chip.tiles());
    CHECK(mesh->tile_name(9) == "tile(1,1)");

    chip.noc.topology = noc_topology_kind::tree;
    chip.tree_tiles = 32;
    chip.noc.tree_arity = 4;
    const auto tree = make_topology(chip);
    CHECK(tree->kind() == noc_topology_kind::tree);
    CHECK(tree->tiles() == 32);
    CHECK(tree->links() == 84);

    chip.noc.tree_arity = 1;
    CHECK_THROWS_AS(make_topology(chip), config_error);
}
