#!/usr/bin/python3
"""The independent anchor for the modeling bench (issue 34): the farm's policy shape trained and sampled with PyTorch eager.

Usage: bench/torch-reference.py DIR [--threads N] [--json]
DIR is what `dotnet run -c Release --project bench/AlpacaFarm.Bench.Modeling -- --only peak,train,gen --anchor DIR`
wrote: anchor-input.json (the model's shape, the very SFT batches and generation prompts that run timed) and
dotnet.json (its figures). This script builds the same architecture (pre-LayerNorm blocks, fused QKV with bias, rotary
positions, GELU MLP, tied embeddings, the loss on response tokens only), measures the same things on the same inputs and
prints each figure beside the project's, with the ratio project / PyTorch (above 1: the project is faster):

- the fp32 matmul peak (square 1024 and 2048, best of 4), the same way;
- SFT: fp32 AdamW steps (gradient norm clipped at 1) on the same batches, prompts left-padded and responses right-padded
  as SequenceBatch builds them; real tokens/s (padding excluded) and the padding fraction;
- generation with a preallocated KV cache: 64 new tokens at temperature 1 from the same prompts at batch 1, 16, 64, 256.
  Every row runs to 64 tokens here; the project's sampler drops rows that end (rare at random initialisation).

Run by the bench (bench/anchor.sh runs both), never by CI. Needs Debian's python3-torch (1.13) over an optimised BLAS
(libopenblas0-pthread): its build's BLAS is "generic", so with Debian's reference BLAS its matmuls run at a few GFLOP/s.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    def __init__(self, width, heads, mlp_ratio):
        super().__init__()
        self.heads, self.head_width = heads, width // heads
        self.attention_norm = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.attention_projection = nn.Linear(width, width)
        self.mlp_norm = nn.LayerNorm(width)
        self.mlp_in = nn.Linear(width, mlp_ratio * width)
        self.mlp_projection = nn.Linear(mlp_ratio * width, width)

    def forward(self, x, bias, cos, sin, cache=None, past=0):
        b, t, w = x.shape
        parts = self.qkv(self.attention_norm(x)).view(b, t, 3, self.heads, self.head_width).permute(2, 0, 3, 1, 4)
        q, k, v = rotate(parts[0], cos, sin), rotate(parts[1], cos, sin), parts[2]
        if cache is not None:
            cache[0][:, :, past:past + t] = k
            cache[1][:, :, past:past + t] = v
            k, v = cache[0][:, :, :past + t], cache[1][:, :, :past + t]
        scores = q.matmul(k.transpose(-2, -1)) / math.sqrt(self.head_width)
        attended = (scores + bias).softmax(-1).matmul(v).transpose(1, 2).reshape(b, t, w)
        x = x + self.attention_projection(attended)
        return x + self.mlp_projection(F.gelu(self.mlp_in(self.mlp_norm(x))))


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    turned = torch.cat((-x[..., half:], x[..., :half]), -1)
    return x * cos + turned * sin


class Policy(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape
        self.token_embedding = nn.Embedding(shape["vocabulary"], shape["width"])
        self.blocks = nn.ModuleList(Block(shape["width"], shape["heads"], shape["mlp_ratio"]) for _ in range(shape["depth"]))
        self.final_norm = nn.LayerNorm(shape["width"])
        head_width = shape["width"] // shape["heads"]
        self.register_buffer("inv_freq", 1.0 / 10000 ** (torch.arange(0, head_width, 2).float() / head_width), persistent=False)

    def rotary(self, positions):
        angles = positions.float().unsqueeze(-1) * self.inv_freq
        angles = torch.cat((angles, angles), -1).unsqueeze(1)  # [b, 1, t, head width]
        return angles.cos(), angles.sin()

    def hidden(self, ids, bias, positions, caches=None, past=0):
        x = self.token_embedding(ids)
        cos, sin = self.rotary(positions)
        for i, block in enumerate(self.blocks):
            x = block(x, bias, cos, sin, None if caches is None else caches[i], past)
        return self.final_norm(x)

    def logits(self, hidden):
        return hidden.matmul(self.token_embedding.weight.t())


def attention_bias(mask, past, length):
    """[b, 1, new, past + new]: 0 where a query may attend (causal, not padding, always itself), -inf elsewhere."""
    queries = torch.arange(past, past + length).unsqueeze(1)
    keys = torch.arange(0, past + length).unsqueeze(0)
    allowed = (keys <= queries) & mask.bool().unsqueeze(1) | (keys == queries)
    return torch.zeros(allowed.shape).masked_fill(~allowed, float("-inf")).unsqueeze(1)


def sft_batch(rows, pad=0):
    """Prompts left-padded, responses right-padded, as SequenceBatch.Build lays them out."""
    prompt_width = max(len(p) for p, _ in rows)
    response_width = max(1, max(len(r) for _, r in rows))
    ids = torch.full((len(rows), prompt_width + response_width), pad, dtype=torch.long)
    mask = torch.zeros(ids.shape, dtype=torch.bool)
    response_mask = torch.zeros((len(rows), response_width), dtype=torch.bool)
    for i, (p, r) in enumerate(rows):
        ids[i, prompt_width - len(p):prompt_width] = torch.tensor(p)
        ids[i, prompt_width:prompt_width + len(r)] = torch.tensor(r)
        mask[i, prompt_width - len(p):prompt_width + len(r)] = True
        response_mask[i, :len(r)] = True
    return ids, mask, response_mask, prompt_width


def sft_loss(model, ids, mask, response_mask, prompt_width):
    positions = (mask.long().cumsum(1) - 1).clamp_min(0)
    hidden = model.hidden(ids, attention_bias(mask, 0, ids.shape[1]), positions)
    width = response_mask.shape[1]
    logits = model.logits(hidden[:, prompt_width - 1:prompt_width - 1 + width])
    log_probs = logits.log_softmax(-1).gather(-1, ids[:, prompt_width:prompt_width + width].unsqueeze(-1)).squeeze(-1)
    return -(log_probs * response_mask).sum() / response_mask.sum().clamp_min(1)


def measure_sft(shape, batches):
    torch.manual_seed(0)
    model = Policy(shape)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    real = positions = seconds = 0.0
    for step, rows in enumerate(batches):
        built = sft_batch(rows)
        started = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = sft_loss(model, *built)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        loss.item()
        if step < shape["warmup_steps"]:
            continue
        seconds += time.perf_counter() - started
        mask = built[1]
        real += mask.sum().item()
        positions += mask.numel()
    return real / seconds, 1 - real / positions


@torch.no_grad()
def generate(model, prompts, new_tokens, generator):
    b, width = len(prompts), max(len(p) for p in prompts)
    total = width + new_tokens
    ids = torch.zeros((b, width), dtype=torch.long)
    mask = torch.zeros((b, total), dtype=torch.bool)
    for i, p in enumerate(prompts):
        ids[i, width - len(p):] = torch.tensor(p)
        mask[i, width - len(p):width] = True
    shape = model.shape
    caches = [(torch.zeros(b, shape["heads"], total, shape["width"] // shape["heads"]),
               torch.zeros(b, shape["heads"], total, shape["width"] // shape["heads"])) for _ in range(shape["depth"])]
    positions = (mask[:, :width].long().cumsum(1) - 1).clamp_min(0)
    hidden = model.hidden(ids, attention_bias(mask[:, :width], 0, width), positions, caches, 0)
    last = hidden[:, -1:]
    next_position = positions[:, -1:] + 1
    produced = 0
    for step in range(new_tokens):
        probs = model.logits(last).squeeze(1).softmax(-1)
        token = torch.multinomial(probs, 1, generator=generator)
        produced += b
        if step == new_tokens - 1:
            break
        mask[:, width + step] = True
        past = width + step
        last = model.hidden(token, attention_bias(mask[:, :past + 1], past, 1), next_position, caches, past)
        next_position = next_position + 1
    return produced


def measure_generation(shape, prompts, batch, reps):
    torch.manual_seed(0)
    model = Policy(shape).eval()
    generator = torch.Generator().manual_seed(0)
    generate(model, prompts[:batch], shape["new_tokens"], generator)
    rates = []
    for _ in range(reps):
        started = time.perf_counter()
        tokens = generate(model, prompts[:batch], shape["new_tokens"], generator)
        rates.append(tokens / (time.perf_counter() - started))
    return sorted(rates)[len(rates) // 2]


def matmul_peak():
    best = 0.0
    for n in (1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        repeats = 8 if n == 1024 else 2
        for _ in range(4):
            started = time.perf_counter()
            for _ in range(repeats):
                a.matmul(b)
            best = max(best, 2.0 * n ** 3 * repeats / (time.perf_counter() - started) / 1e9)
    return best


def useful_flops_per_token(shape, batches, prompts):
    """FLOPs per useful token, one formula for both runs (padding and finished rows are not useful): a scored or
    generated token costs 2 x the block-matmul parameters (12 x depth x width^2) plus the tied head on the positions that
    predict (2 x vocabulary x width) plus attention over its context (4 x depth x width x context); a trained token 3x
    its forward. Returns (SFT, {generation batch: ...})."""
    w, d, v = shape["width"], shape["depth"], shape["vocabulary"]
    block = 2.0 * 12 * w * w * d
    sft_flops = sft_tokens = 0.0
    for rows in batches[shape["warmup_steps"]:]:
        for prompt, response in rows:
            n = len(prompt) + len(response)
            sft_flops += 3 * (block * n + 4.0 * d * w * n * (n + 1) / 2 + 2.0 * v * w * len(response))
            sft_tokens += n
    generation = {}
    for batch in shape["generation_batches"]:
        flops = tokens = 0.0
        for prompt in prompts[:batch]:
            for k in range(shape["new_tokens"]):
                flops += block + 2.0 * v * w + 4.0 * d * w * (len(prompt) + k + 1)
                tokens += 1
        generation[batch] = flops / tokens
    return (sft_flops / sft_tokens if sft_tokens else None), generation


FORMULA = ("useful FLOPs: a scored or generated token = 2 x 12 x depth x width^2 (block matmuls) + 2 x vocabulary x width "
           "(tied head) + 4 x depth x width x context (attention); a trained token = 3 x its forward; padding and finished "
           "rows count for nothing")


def main():
    argv = sys.argv[1:]
    threads_given = None
    if "--threads" in argv:
        i = argv.index("--threads")
        if i + 1 >= len(argv) or not argv[i + 1].isdigit():
            sys.exit("--threads needs a whole number")
        threads_given = int(argv[i + 1])
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    folder = args[0]
    shape = json.load(open(f"{folder}/anchor-input.json"))
    project = json.load(open(f"{folder}/dotnet.json"))
    threads = threads_given or shape["threads"]
    torch.set_num_threads(threads)
    figures = {"fp32_peak_gflops": matmul_peak()}
    if shape["sft_batches"]:
        tokens, padding = measure_sft(shape, shape["sft_batches"])
        figures.update(sft_tokens_per_second=tokens, sft_padding=padding)
    if shape["prompts"]:
        for batch, reps in zip(shape["generation_batches"], (5, 3, 2, 2)):
            figures[f"generation_batch_{batch}_tokens_per_second"] = measure_generation(shape, shape["prompts"], batch, reps)
    if "--json" in sys.argv:
        print(json.dumps({"torch": figures, "project": project}))
        return
    per_sft, per_generation = useful_flops_per_token(shape, shape["sft_batches"], shape["prompts"])
    peaks = {"project": project.get("fp32_peak_gflops"), "torch": figures["fp32_peak_gflops"]}
    print(f"PyTorch {torch.__version__}, {threads} threads; the project's figures from {folder}/dotnet.json")
    print(FORMULA)
    print("| measurement | project | PyTorch eager | project / PyTorch | project, useful % of its fp32 peak | PyTorch, useful % of its peak |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, value in figures.items():
        mine = project.get(key)
        ratio = f"{mine / value:.2f}" if mine is not None and key != "sft_padding" else ""
        per = per_sft if key == "sft_tokens_per_second" else per_generation.get(int(key.split("_")[2])) if key.startswith("generation") else None
        share = lambda rate, who: f"{rate * per / 1e9 / peaks[who]:.0%}" if per and rate is not None and peaks[who] else ""
        if key == "sft_padding":
            print(f"| SFT padding, fraction of computed positions | {mine:.2f} | {value:.2f} | | | |")
        elif key == "fp32_peak_gflops":
            print(f"| fp32 matmul peak, GFLOP/s | {mine:,.0f} | {value:,.0f} | {ratio} | | |")
        else:
            label = "SFT fp32, useful tokens/s" if key.startswith("sft") else f"generation, batch {key.split('_')[2]}, KV cache, tokens/s"
            print(f"| {label} | {mine:,.0f} | {value:,.0f} | {ratio} | {share(mine, 'project')} | {share(value, 'torch')} |")

if __name__ == "__main__":
    main()
