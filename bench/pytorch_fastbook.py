"""fastbook ch. 8's collaborative-filtering models in plain PyTorch: the reference `npm run bench`
runs beside ours. fastai itself is not needed: its pieces are written out as fastai defines them.

- DotProductBias (fastbook) / CollabNN (fastbook: embeddings sized by fastai's rule, Linear+ReLU,
  Linear), sigmoid_range(0, 5.5), embeddings initialised by fastai's trunc_normal_ (std 0.01).
- fastai's Adam with decoupled weight decay == torch.optim.AdamW(betas=(mom, 0.99), eps=1e-5).
- fit_one_cycle: per batch, lr cosine lr_max/25 -> lr_max over 25% then -> lr_max/1e5, beta1
  0.95 -> 0.85 -> 0.95; fastai's training loader shuffles and drops the last partial batch.
- Ids coded over train + valid (fastai's Categorify vocabulary spans both).

Prints one JSON object: per-epoch metrics, final train/valid RMSE and training seconds.
"""
import argparse
import csv
import json
import math
import time

import torch
from torch import nn


def read_ratings(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip().lower() for h in rows[0]]
    cols = [header.index(name) for name in ("user", "item", "rating")]
    return [(r[cols[0]], r[cols[1]], float(r[cols[2]])) for r in rows[1:] if r]


def encode(train, valid):
    users = {u: i for i, u in enumerate(sorted({r[0] for r in train + valid}))}
    items = {m: i for i, m in enumerate(sorted({r[1] for r in train + valid}))}

    def tensors(rows):
        x = torch.tensor([[users[u], items[m]] for u, m, _ in rows], dtype=torch.long)
        y = torch.tensor([r for _, _, r in rows], dtype=torch.float32)
        return x, y

    return tensors(train), tensors(valid), len(users), len(items)


def embedding(n, k):
    # fastai Embedding: trunc_normal_(std=0.01) = normal, fmod 2, * std.
    e = nn.Embedding(n, k)
    with torch.no_grad():
        e.weight.normal_().fmod_(2).mul_(0.01)
    return e


def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo) + lo


class DotProductBias(nn.Module):
    def __init__(self, n_users, n_items, k, y_range):
        super().__init__()
        self.user_factors, self.user_bias = embedding(n_users, k), embedding(n_users, 1)
        self.item_factors, self.item_bias = embedding(n_items, k), embedding(n_items, 1)
        self.y_range = y_range

    def forward(self, x):
        u, i = x[:, 0], x[:, 1]
        res = (self.user_factors(u) * self.item_factors(i)).sum(dim=1, keepdim=True)
        res = res + self.user_bias(u) + self.item_bias(i)
        return sigmoid_range(res, *self.y_range).squeeze(1)


def emb_sz(n):
    # fastai emb_sz_rule, n counting Categorify's '#na#'.
    return min(600, round(1.6 * (n + 1) ** 0.56))


class CollabNN(nn.Module):
    def __init__(self, n_users, n_items, layers, y_range):
        super().__init__()
        ku, ki = emb_sz(n_users), emb_sz(n_items)
        self.user_factors, self.item_factors = embedding(n_users, ku), embedding(n_items, ki)
        sizes, body = [ku + ki] + layers, []
        for a, b in zip(sizes, sizes[1:]):
            body += [nn.Linear(a, b), nn.ReLU()]
        self.layers = nn.Sequential(*body, nn.Linear(sizes[-1], 1))
        self.y_range = y_range

    def forward(self, x):
        emb = torch.cat([self.user_factors(x[:, 0]), self.item_factors(x[:, 1])], dim=1)
        return sigmoid_range(self.layers(emb), *self.y_range).squeeze(1)


def sched_cos(start, end, pos):
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def one_cycle(pos, lr_max, pct=0.25):
    if pos < pct:
        p = pos / pct
        return sched_cos(lr_max / 25, lr_max, p), sched_cos(0.95, 0.85, p)
    p = (pos - pct) / (1 - pct)
    return sched_cos(lr_max, lr_max / 1e5, p), sched_cos(0.85, 0.95, p)


@torch.no_grad()
def rmse(model, x, y, bs=8192):
    model.eval()
    se = sum(((model(x[s:s + bs]) - y[s:s + bs]) ** 2).sum().item() for s in range(0, len(y), bs))
    model.train()
    return math.sqrt(se / len(y))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--valid", required=True)
    ap.add_argument("--model", choices=["dotbias", "nn"], default="dotbias")
    ap.add_argument("--factors", type=int, default=50)
    ap.add_argument("--layers", default="100")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--wd", type=float, default=0.1)
    ap.add_argument("--bs", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    (xt, yt), (xv, yv), n_users, n_items = encode(read_ratings(a.train), read_ratings(a.valid))
    y_range = (0, 5.5)
    if a.model == "dotbias":
        model = DotProductBias(n_users, n_items, a.factors, y_range)
    else:
        model = CollabNN(n_users, n_items, [int(s) for s in a.layers.split(",")], y_range)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.95, 0.99), eps=1e-5, weight_decay=a.wd)
    loss_fn = nn.MSELoss()

    n_batches = len(yt) // a.bs  # drop_last, as fastai's training loader
    total = a.epochs * n_batches
    epochs, train_seconds, step = [], 0.0, 0
    for epoch in range(a.epochs):
        started = time.perf_counter()
        perm = torch.randperm(len(yt))
        for b in range(n_batches):
            lr, mom = one_cycle(step / total, a.lr)
            for g in opt.param_groups:
                g["lr"], g["betas"] = lr, (mom, 0.99)
            idx = perm[b * a.bs:(b + 1) * a.bs]
            loss = loss_fn(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        seconds = time.perf_counter() - started
        train_seconds += seconds
        epochs.append({"epoch": epoch + 1, "train_rmse": rmse(model, xt, yt), "valid_rmse": rmse(model, xv, yv),
                       "lr": lr, "seconds": seconds})
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "epochs": epochs,
                      "train_rmse": epochs[-1]["train_rmse"], "valid_rmse": epochs[-1]["valid_rmse"],
                      "seconds": train_seconds}))


if __name__ == "__main__":
    main()
