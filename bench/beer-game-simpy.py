"""
bench/beer-game-simpy.py: the beer game of keten's beerGameNetwork()/beerGameScenario(), written the
way a SimPy user would write it, for `npm run bench:simulate` to compare with keten.

Sterman (1989), "Modeling managerial behavior: misperceptions of feedback in a dynamic decision
making experiment", Management Science 35(3): four roles (retailer, wholesaler, distributor, factory),
2 weeks of mail for orders, 2 weeks of shipping, a 2-week production delay at the factory, 12 cases on
hand and 4 cases a week in every pipeline at the start, customer demand 4 cases a week and 8 from
week 5, 36 weeks; every role orders by Sterman's anchoring-and-adjustment rule with his mean
estimates (theta 0.36, alpha_S 0.26, beta 0.34, S' = 17); cost 0.5 per case-week on hand and 1.0 per
case-week owed. Same semantics as keten (docs/simulation.md): continuous quantities, the factory's
production request takes no extra week.

One SimPy process per role, woken once a week; shipments, production and orders in the mail are
processes that wait out their delay and then put into the receiving role's Container (goods) or Store
(orders). Roles decide at mid-week (t + 0.5), after every delivery due at t has landed; costs are
counted at t + 0.9.

Usage: /usr/bin/python3 bench/beer-game-simpy.py RUNS
Prints one line of JSON: seconds for RUNS games, and the first game's cost per role and orders per
role per week (every game is the same, deterministic).
"""

import json
import sys
import time

import simpy

WEEKS = 36
SHIPPING_DELAY = 2
MAIL_DELAY = 2
PRODUCTION_DELAY = 2
THETA, ALPHA_S, BETA, DESIRED_STOCK = 0.36, 0.26, 0.34, 17.0
HOLDING, BACKLOG = 0.5, 1.0
EPSILON = 1e-9
ROLES = ["retailer", "wholesaler", "distributor", "factory"]


def customer_demand(week):
    return 4.0 if week < 4 else 8.0


class Role:
    def __init__(self, env, name):
        self.env = env
        self.name = name
        self.on_hand = 12.0
        self.backlog = 0.0  # owed to the customer (end customers or the role downstream)
        self.on_order = 0.0  # ordered and not yet received: the supply line
        self.expected = 4.0  # expected demand, smoothed with weight THETA
        self.production_backlog = 0.0  # factory: ordered from its own production, not started
        self.inbound = simpy.Container(env, capacity=float("inf"))  # goods arriving this week
        self.orders = simpy.Store(env)  # orders arriving this week
        self.supplier = None
        self.customer = None
        self.cost = 0.0
        self.placed = []

    def deliver(self, quantity, delay):
        """A shipment (or a production batch) on its way to this role."""
        yield self.env.timeout(delay)
        yield self.inbound.put(quantity)

    def mail(self, quantity, delay):
        """An order on its way to this role's supplier."""
        yield self.env.timeout(delay)
        yield self.supplier.orders.put(quantity)

    def run(self, demand):
        env = self.env
        yield env.timeout(0.5)
        while True:
            week = int(env.now)
            # Receive.
            arrived = self.inbound.level
            if arrived > 0:
                yield self.inbound.get(arrived)
                self.on_hand += arrived
                self.on_order -= arrived
            received = 0.0
            if demand is not None:
                received = demand(week)
                self.backlog += received
            while self.orders.items:
                quantity = yield self.orders.get()
                self.backlog += quantity
                received += quantity
            # Ship what is owed, as far as stock goes.
            owed = self.backlog
            shipped = 0.0
            if owed > EPSILON and self.on_hand > EPSILON:
                shipped = min(self.on_hand, owed)
                if shipped >= owed - EPSILON:
                    shipped = owed
                self.backlog -= shipped
                self.on_hand -= shipped
                if self.customer is not None:
                    env.process(self.customer.deliver(shipped, SHIPPING_DELAY - 0.5))
            # Forecast and order: O = L + alpha_S (S' - S - beta SL), floored at 0 (Sterman 1989, eq. 7-9).
            self.expected += THETA * (received - self.expected)
            stock = self.on_hand - (owed - shipped)
            order = self.expected + ALPHA_S * (DESIRED_STOCK - stock + BETA * (0 - self.on_order))
            if order < 0:
                order = 0.0
            self.placed.append(order)
            if order != 0:
                self.on_order += order
                if self.supplier is None:
                    self.production_backlog += order
                else:
                    env.process(self.mail(order, MAIL_DELAY - 0.5))
            if self.supplier is None and self.production_backlog > EPSILON:
                started = self.production_backlog
                self.production_backlog -= started
                env.process(self.deliver(started, PRODUCTION_DELAY - 0.5))
            yield env.timeout(1)


def accountant(env, roles):
    yield env.timeout(0.9)
    while True:
        for role in roles:
            role.cost += HOLDING * max(0.0, role.on_hand) + BACKLOG * max(0.0, role.backlog)
        yield env.timeout(1)


def play():
    env = simpy.Environment()
    roles = [Role(env, name) for name in ROLES]
    for downstream, upstream in zip(roles, roles[1:]):
        downstream.supplier = upstream
        upstream.customer = downstream
    for role in roles:
        # The pipelines at the start: 4 cases arriving in weeks 0 and 1, 4 cases of orders in the mail.
        for due in (0, 1):
            env.process(role.deliver(4.0, due))
            role.on_order += 4.0
            if role.supplier is not None:
                env.process(role.mail(4.0, due))
                role.on_order += 4.0
        env.process(role.run(customer_demand if role is roles[0] else None))
    env.process(accountant(env, roles))
    env.run(until=WEEKS)
    return roles


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    started = time.perf_counter()
    first = None
    for run in range(runs):
        roles = play()
        if first is None:
            first = roles
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "runs": runs,
                "seconds": seconds,
                "simpy": simpy.__version__,
                "python": sys.version.split()[0],
                "cost": {role.name: role.cost for role in first},
                "orders": {role.name: role.placed for role in first},
            }
        )
    )


if __name__ == "__main__":
    main()
