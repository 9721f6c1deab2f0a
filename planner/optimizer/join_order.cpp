// Rule: join ordering. A tree of inner joins is flattened into a query graph (inputs as
// vertices, join predicates as edges; a predicate over several inputs connects all of them and
// applies once every input it names is joined) and rebuilt in the cheapest order found by
// dynamic programming over connected subgraphs: DPccp (Moerkotte and Neumann, "Analysis of Two
// Existing and One New Dynamic Programming Algorithm for the Generation of Optimal Bushy Join
// Trees without Cross Products", VLDB 2006) enumerates each pair of a connected subgraph and a
// connected complement exactly once. Cost is C_out plus the rows of each hash join's build
// side, and the smaller input of each join is its build (right) side. Graphs of more than
// kDynamicProgrammingLimit inputs are ordered greedily (GOO: always the pair with the fewest
// result rows). Inputs that no predicate connects are joined last, by cross products.
#include "common/stack_depth.h"
#include "planner/optimizer/cardinality.h"
#include "planner/optimizer/optimizer.h"
#include "planner/optimizer/rule_utilities.h"

#include <bit>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

constexpr size_t kDynamicProgrammingLimit = 14;
using Set = uint64_t;

struct Edge {
  BoundExprPtr predicate;
  Set relations;
  double selectivity;
};

struct Candidate {
  LogicalPtr plan;
  double rows = 0;
  double cost = 0;
};

class JoinGraph {
public:
  JoinGraph(std::vector<LogicalPtr> inputs, std::vector<BoundExprPtr> predicates,
            CardinalityModel& model)
      : inputs_(std::move(inputs)), model_(model) {
    for (const auto& input : inputs_)
      inputRows_.push_back(model_.estimate(*input));
    neighbors_.assign(inputs_.size(), 0);
    for (const auto& predicate : predicates) {
      Set relations = relationsOf(predicate);
      edges_.push_back({predicate, relations, edgeSelectivity(predicate)});
      if (std::popcount(relations) < 2) continue;
      for (size_t i = 0; i < inputs_.size(); ++i)
        if (relations & bit(i)) neighbors_[i] |= relations & ~bit(i);
    }
  }

  LogicalPtr order() {
    std::vector<Set> components = connectedComponents();
    std::vector<Candidate> parts;
    for (Set component : components)
      parts.push_back(std::popcount(component) <= static_cast<int>(kDynamicProgrammingLimit)
                          ? dynamicProgramming(component)
                          : greedy(component));
    // Unconnected parts: cross products, smallest inputs built first.
    std::sort(parts.begin(), parts.end(),
              [](const Candidate& a, const Candidate& b) { return a.rows > b.rows; });
    Candidate result = parts[0];
    Set joined = components.empty() ? 0 : setOf(result);
    for (size_t i = 1; i < parts.size(); ++i) {
      result = combine(result, parts[i], joined, setOf(parts[i]));
      joined |= setOf(parts[i]);
    }
    // Predicates over no input (constants) filter the result.
    std::vector<BoundExprPtr> constants;
    for (const auto& edge : edges_)
      if (edge.relations == 0) constants.push_back(edge.predicate);
    return constants.empty() ? result.plan : makeFilter(result.plan, constants);
  }

private:
  static Set bit(size_t i) { return Set{1} << i; }

  Set relationsOf(const BoundExprPtr& predicate) const {
    Set relations = 0;
    for (ColumnId id : columnsOf(predicate))
      for (size_t i = 0; i < inputs_.size(); ++i)
        if (inputs_[i]->positionOf(id) >= 0) relations |= bit(i);
    return relations;
  }

  double edgeSelectivity(const BoundExprPtr& predicate) const {
    if (predicate->kind == BoundKind::Compare && predicate->args[0]->kind == BoundKind::Column &&
        predicate->args[1]->kind == BoundKind::Column &&
        (predicate->name == "=" || predicate->name == "IS NOT DISTINCT FROM")) {
      double a = model_.distinct(predicate->args[0]->index, rowsOfColumn(predicate->args[0]));
      double b = model_.distinct(predicate->args[1]->index, rowsOfColumn(predicate->args[1]));
      return 1.0 / std::max({a, b, 1.0});
    }
    return model_.selectivity(predicate, 1000);
  }

  double rowsOfColumn(const BoundExprPtr& column) const {
    for (size_t i = 0; i < inputs_.size(); ++i)
      if (inputs_[i]->positionOf(column->index) >= 0) return inputRows_[i];
    return 1000;
  }

  Set setOf(const Candidate& candidate) const {
    Set set = 0;
    for (size_t i = 0; i < inputs_.size(); ++i)
      for (const auto& column : inputs_[i]->columns)
        if (candidate.plan->positionOf(column.id) >= 0) {
          set |= bit(i);
          break;
        }
    return set;
  }

  std::vector<Set> connectedComponents() const {
    std::vector<Set> components;
    Set seen = 0;
    for (size_t start = 0; start < inputs_.size(); ++start) {
      if (seen & bit(start)) continue;
      Set component = bit(start), frontier = bit(start);
      while (frontier) {
        Set next = 0;
        for (size_t i = 0; i < inputs_.size(); ++i)
          if (frontier & bit(i)) next |= neighbors_[i];
        frontier = next & ~component;
        component |= next;
      }
      seen |= component;
      components.push_back(component);
    }
    return components;
  }

  double rowsOf(Set set) {
    auto it = rowsCache_.find(set);
    if (it != rowsCache_.end()) return it->second;
    double rows = 1;
    for (size_t i = 0; i < inputs_.size(); ++i)
      if (set & bit(i)) rows *= inputRows_[i];
    // Several predicates between the same two inputs (a composite key such as partsupp's
    // (partkey, suppkey)) are not independent: together they keep at least one row per row of
    // the larger input, not the product of their selectivities.
    std::unordered_map<Set, double> pairSelectivity;
    for (const auto& edge : edges_)
      if (edge.relations && (edge.relations & ~set) == 0 && std::popcount(edge.relations) >= 2) {
        auto [it, fresh] = pairSelectivity.emplace(edge.relations, edge.selectivity);
        if (!fresh) it->second *= edge.selectivity;
      }
    for (const auto& [relations, selectivity] : pairSelectivity) {
      double floor = 0;
      if (std::popcount(relations) == 2) {
        double larger = 1;
        for (size_t i = 0; i < inputs_.size(); ++i)
          if (relations & bit(i)) larger = std::max(larger, inputRows_[i]);
        floor = 1.0 / larger;
      }
      rows *= std::max(selectivity, std::min(floor, minimumSelectivity(relations)));
    }
    rows = std::max(rows, 1.0);
    rowsCache_[set] = rows;
    return rows;
  }

  /// The smallest selectivity of a single predicate between exactly `relations`.
  double minimumSelectivity(Set relations) const {
    double minimum = 1;
    for (const auto& edge : edges_)
      if (edge.relations == relations) minimum = std::min(minimum, edge.selectivity);
    return minimum;
  }

  /// The join of two disjoint candidates with the predicates that become applicable.
  Candidate combine(const Candidate& a, const Candidate& b, Set setA, Set setB) {
    Set both = setA | setB;
    std::vector<BoundExprPtr> predicates;
    for (const auto& edge : edges_)
      if (edge.relations && (edge.relations & ~both) == 0 && (edge.relations & ~setA) &&
          (edge.relations & ~setB))
        predicates.push_back(edge.predicate);
    const Candidate& probe = a.rows >= b.rows ? a : b;
    const Candidate& build = a.rows >= b.rows ? b : a;
    Candidate joined;
    joined.rows = rowsOf(both);
    joined.cost = a.cost + b.cost + joined.rows + build.rows;
    joined.plan = makeJoin(JoinKind::Inner, probe.plan, build.plan, predicates);
    joined.plan->estimatedRows = joined.rows;
    return joined;
  }

  Candidate leaf(size_t i) { return {inputs_[i], inputRows_[i], 0}; }

  Set neighborhood(Set set, Set excluded) const {
    Set result = 0;
    for (size_t i = 0; i < inputs_.size(); ++i)
      if (set & bit(i)) result |= neighbors_[i];
    return result & ~set & ~excluded;
  }

  /// Calls `emit` with every non-empty subset of `set`.
  template <typename Fn> static void forEachSubset(Set set, Fn&& emit) {
    for (Set subset = set; subset; subset = (subset - 1) & set)
      emit(subset);
  }

  template <typename Fn> void enumerateCsgRec(Set set, Set excluded, Fn&& emit) {
    Set n = neighborhood(set, excluded);
    if (!n) return;
    forEachSubset(n, [&](Set subset) { emit(set | subset); });
    forEachSubset(n, [&](Set subset) { enumerateCsgRec(set | subset, excluded | n, emit); });
  }

  Candidate dynamicProgramming(Set component) {
    std::unordered_map<Set, Candidate> best;
    std::vector<size_t> vertices;
    for (size_t i = 0; i < inputs_.size(); ++i)
      if (component & bit(i)) {
        vertices.push_back(i);
        best[bit(i)] = leaf(i);
      }
    Set outside = ~component;
    auto consider = [&](Set s1, Set s2) {
      auto a = best.find(s1), b = best.find(s2);
      if (a == best.end() || b == best.end()) return;
      Candidate joined = combine(a->second, b->second, s1, s2);
      auto existing = best.find(s1 | s2);
      if (existing == best.end() || joined.cost < existing->second.cost) best[s1 | s2] = joined;
    };
    // DPccp: each connected subgraph with each connected complement, smaller sets first.
    for (size_t k = vertices.size(); k-- > 0;) {
      size_t v = vertices[k];
      Set lower = outside;
      for (size_t j = 0; j <= k; ++j)
        lower |= bit(vertices[j]);
      auto onCsg = [&](Set s1) {
        Set lowest = bit(static_cast<size_t>(std::countr_zero(s1)));
        Set excluded = s1 | outside | (lowest - 1);
        Set n = neighborhood(s1, excluded);
        for (size_t i = inputs_.size(); i-- > 0;) {
          if (!(n & bit(i))) continue;
          consider(s1, bit(i));
          Set below = excluded | (n & (bit(i) - 1));
          enumerateCsgRec(bit(i), below | bit(i), [&](Set s2) { consider(s1, s2); });
        }
      };
      onCsg(bit(v));
      enumerateCsgRec(bit(v), lower, onCsg);
    }
    auto found = best.find(component);
    return found != best.end() ? found->second : greedy(component);
  }

  Candidate greedy(Set component) {
    std::vector<std::pair<Set, Candidate>> parts;
    for (size_t i = 0; i < inputs_.size(); ++i)
      if (component & bit(i)) parts.push_back({bit(i), leaf(i)});
    while (parts.size() > 1) {
      size_t bestA = 0, bestB = 1;
      double bestRows = std::numeric_limits<double>::infinity();
      for (size_t a = 0; a < parts.size(); ++a)
        for (size_t b = a + 1; b < parts.size(); ++b) {
          if (!(neighborhood(parts[a].first, 0) & parts[b].first)) continue;
          double rows = rowsOf(parts[a].first | parts[b].first);
          if (rows < bestRows) {
            bestRows = rows;
            bestA = a;
            bestB = b;
          }
        }
      Candidate joined =
          combine(parts[bestA].second, parts[bestB].second, parts[bestA].first, parts[bestB].first);
      Set set = parts[bestA].first | parts[bestB].first;
      parts.erase(parts.begin() + static_cast<long>(bestB));
      parts[bestA] = {set, joined};
    }
    return parts[0].second;
  }

  std::vector<LogicalPtr> inputs_;
  std::vector<double> inputRows_;
  std::vector<Edge> edges_;
  std::vector<Set> neighbors_;
  std::unordered_map<Set, double> rowsCache_;
  CardinalityModel& model_;
};

class JoinOrderer {
public:
  explicit JoinOrderer(CardinalityModel& model) : model_(model) {}

  LogicalPtr rewrite(const LogicalPtr& op) {
    checkStackDepth();
    if (op->kind == LogicalKind::Join &&
        (op->joinKind == JoinKind::Inner || op->joinKind == JoinKind::Semi ||
         op->joinKind == JoinKind::Anti)) {
      std::vector<LogicalPtr> inputs;
      std::vector<BoundExprPtr> predicates;
      std::vector<LogicalPtr> filtering;
      flatten(op, inputs, predicates, filtering);
      if (inputs.size() <= 64) {
        JoinGraph graph(inputs, predicates, model_);
        LogicalPtr ordered = graph.order();
        // Semi and anti joins of an input go on top, innermost first: they keep or drop rows
        // of that input, so they commute with the inner joins, and the inner joins' filters
        // (often far more selective) then run before them.
        for (auto it = filtering.rbegin(); it != filtering.rend(); ++it) {
          const LogicalOperator& semi = **it;
          ordered = makeJoin(semi.joinKind, ordered, semi.children[1], semi.predicates);
        }
        // Keep the columns' order of the original join for the operators above.
        if (ordered->columnIds() == op->columnIds()) return ordered;
        auto project = std::make_shared<LogicalOperator>();
        project->kind = LogicalKind::Project;
        project->children = {ordered};
        project->columns = op->columns;
        project->expressions = columnRefs(op->columns);
        return project;
      }
    }
    auto copy = std::make_shared<LogicalOperator>(*op);
    for (auto& child : copy->children)
      child = rewrite(child);
    return copy;
  }

private:
  void flatten(const LogicalPtr& op, std::vector<LogicalPtr>& inputs,
               std::vector<BoundExprPtr>& predicates, std::vector<LogicalPtr>& filtering) {
    if (op->kind == LogicalKind::Join && op->joinKind == JoinKind::Inner) {
      for (const auto& child : op->children)
        flatten(child, inputs, predicates, filtering);
      predicates.insert(predicates.end(), op->predicates.begin(), op->predicates.end());
      return;
    }
    if (op->kind == LogicalKind::Join &&
        (op->joinKind == JoinKind::Semi || op->joinKind == JoinKind::Anti)) {
      // (A semi B) join C == (A join C) semi B: B's condition refers to A and B only.
      auto semi = std::make_shared<LogicalOperator>(*op);
      semi->children[1] = rewrite(op->children[1]);
      filtering.push_back(semi);
      flatten(op->children[0], inputs, predicates, filtering);
      return;
    }
    inputs.push_back(rewrite(op));
  }

  CardinalityModel& model_;
};

} // namespace

LogicalPtr orderJoins(const LogicalPtr& plan, OptimizerContext&) {
  CardinalityModel model;
  model.registerColumns(*plan);
  model.estimate(*plan); // the sizes of CTE buffers, which their scans deep in joins read
  JoinOrderer orderer(model);
  return orderer.rewrite(plan);
}

} // namespace flern::planner
