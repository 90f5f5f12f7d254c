using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Where a decode step's time goes, in raw TorchSharp ops of the default policy's shape (experiment).</summary>
internal static class DecodeAnatomy
{
    public static void Run(int batch, int prompt, int steps)
    {
        const int depth = 3, width = 192, heads = 4, hw = 48, vocab = 277;
        using var scope = NewDisposeScope();
        using var inference = torch.inference_mode();
        var gen = torch.manual_seed(1);
        Tensor W(params long[] shape) => torch.randn(shape) * 0.02;
        var layers = Enumerable.Range(0, depth).Select(_ => (
            qkvW: W(3 * width, width), qkvB: torch.zeros(3 * width),
            projW: W(width, width), projB: torch.zeros(width),
            inW: W(4 * width, width), inB: torch.zeros(4 * width),
            outW: W(width, 4 * width), outB: torch.zeros(width),
            ln1: torch.ones(width), ln1b: torch.zeros(width), ln2: torch.ones(width), ln2b: torch.zeros(width))).ToArray();
        var head = W(vocab, width);
        var x0 = torch.randn(batch, 1, width);
        var cap = prompt + steps;

        double Time(string what, Action<int> step)
        {
            for (var s = 0; s < 3; s++) { using var d = NewDisposeScope(); step(s); }
            var clock = Stopwatch.StartNew();
            for (var s = 0; s < steps; s++) { using var d = NewDisposeScope(); step(s); }
            var ms = clock.Elapsed.TotalMilliseconds / steps;
            Console.WriteLine($"{what,-60} {ms,8:F3} ms/step  {batch / ms * 1000,9:F0} tok/s");
            return ms;
        }

        long[] ln = [width];
        Tensor Mlp(Tensor x, int l)
        {
            var L = layers[l];
            var h = nn.functional.layer_norm(x, ln, L.ln2, L.ln2b);
            return nn.functional.linear(nn.functional.gelu(nn.functional.linear(h, L.inW, L.inB)), L.outW, L.outB);
        }

        Time("linears + layernorms + gelu only (3 layers) + head", _ =>
        {
            var x = x0;
            for (var l = 0; l < depth; l++)
            {
                var L = layers[l];
                var h = nn.functional.layer_norm(x, ln, L.ln1, L.ln1b);
                var qkv = nn.functional.linear(h, L.qkvW, L.qkvB);
                x = x + nn.functional.linear(qkv.narrow(-1, 0, width), L.projW, L.projB);
                x = x + Mlp(x, l);
            }
            nn.functional.linear(x, head).Dispose();
        });

        // Concatenating cache.
        var ck = Enumerable.Range(0, depth).Select(_ => torch.randn(batch, heads, prompt, hw)).ToArray();
        var cv = Enumerable.Range(0, depth).Select(_ => torch.randn(batch, heads, prompt, hw)).ToArray();
        foreach (var t in ck.Concat(cv)) t.DetachFromDisposeScope();
        var bias = torch.zeros(batch, 1, 1, cap + 16);
        Time("attention only, concatenating cache (cat + 2 matmuls + softmax)", s =>
        {
            for (var l = 0; l < depth; l++)
            {
                var q = torch.randn(batch, heads, 1, hw);
                var nk = torch.cat([ck[l], q], 2); var nv = torch.cat([cv[l], q], 2);
                nk.DetachFromDisposeScope(); nv.DetachFromDisposeScope(); ck[l].Dispose(); cv[l].Dispose(); ck[l] = nk; cv[l] = nv;
                var t = nk.shape[2];
                var w = (q.matmul(nk.transpose(-2, -1)) / 6.9).add(bias.narrow(-1, 0, t)).softmax(-1);
                w.matmul(nv).Dispose();
            }
        });
        // Static cache [B, H, cap, hw].
        var sk = Enumerable.Range(0, depth).Select(_ => torch.randn(batch, heads, cap + 8, hw)).ToArray();
        var sv = Enumerable.Range(0, depth).Select(_ => torch.randn(batch, heads, cap + 8, hw)).ToArray();
        Time("attention only, static cache [B,H,cap,hw] views", s =>
        {
            var t = prompt + s + 1;
            for (var l = 0; l < depth; l++)
            {
                var q = torch.randn(batch, heads, 1, hw);
                sk[l].narrow(2, t - 1, 1).copy_(q); sv[l].narrow(2, t - 1, 1).copy_(q);
                var k = sk[l].narrow(2, 0, t); var v = sv[l].narrow(2, 0, t);
                var w = (q.matmul(k.transpose(-2, -1)) / 6.9).add(bias.narrow(-1, 0, t)).softmax(-1);
                w.matmul(v).Dispose();
            }
        });
        Time("attention only, static cache, elementwise (mul+sum)", s =>
        {
            var t = prompt + s + 1;
            for (var l = 0; l < depth; l++)
            {
                var q = torch.randn(batch, heads, 1, hw);
                sk[l].narrow(2, t - 1, 1).copy_(q); sv[l].narrow(2, t - 1, 1).copy_(q);
                var k = sk[l].narrow(2, 0, t); var v = sv[l].narrow(2, 0, t);
                var w = ((q * k).sum(-1) / 6.9).add(bias.narrow(-1, 0, t).squeeze(2)).softmax(-1); // [B,H,t]
                (w.unsqueeze(-1) * v).sum(2).Dispose();
            }
        });
        Time("randn q only (the harness's own cost)", s =>
        {
            for (var l = 0; l < depth; l++) torch.randn(batch, heads, 1, hw).Dispose();
        });
        var logits = torch.randn(batch, vocab);
        Time("draw: softmax, sort, cumsum, gather, cpu", s =>
        {
            var p = (logits / 0.7).softmax(-1);
            var (sorted, order) = p.sort(-1, descending: true, stable: true);
            var before = sorted.cumsum(-1) - sorted;
            sorted = sorted.masked_fill(before.ge(0.9), 0);
            var c = sorted.cumsum(-1);
            var u = torch.rand(batch, 1) * c.select(-1, -1).unsqueeze(-1);
            var last = sorted.gt(0).sum(-1, keepdim: true) - 1;
            var rank = torch.minimum(c.le(u).sum(-1, keepdim: true), last);
            order.gather(-1, rank).squeeze(-1).cpu().data<long>().ToArray();
        });
    }
}
