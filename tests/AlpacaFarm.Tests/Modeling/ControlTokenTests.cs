using System.Text.Json;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Modeling.Checkpoints;
using AlpacaFarm.Modeling.Generation;
using AlpacaFarm.Modeling.Policies;
using AlpacaFarm.Modeling.Scoring;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>
/// Control tokens in the SDK: appended after the words without moving an id, saved as vocabulary format 2 while format 1
/// still loads, grown into a trained model from the mean embedding, never sampled nor given probability, carried by
/// the prompt format and by a policy's config.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ControlTokenTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-control-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Control_tokens_come_after_the_words_and_no_text_encodes_to_them()
    {
        var words = new WordTokenizer(["b", "a", "."]);
        var tokenizer = words.WithControlTokens("<good>", "<bad>");

        // Specials 0–5, words 6–8 as before, then the control tokens in the order given.
        Assert.Equal(words.Encode("a b ."), tokenizer.Encode("a b ."));
        Assert.Equal((9, 9, 10, 11), (tokenizer.FirstControlId, tokenizer.ControlId("<good>"), tokenizer.ControlId("<bad>"), tokenizer.VocabularySize));
        Assert.Equal([".", "a", "b"], tokenizer.Words);
        Assert.DoesNotContain(9, tokenizer.Encode("<good> a"));
        Assert.Equal("a b", tokenizer.Decode([9, 7, 10, 8]));
        Assert.Equal(["<good>", "<bad>"], tokenizer.WithControlTokens("<bad>").ControlTokens); // already there: kept in place
        Assert.Throws<ArgumentException>(() => tokenizer.ControlId("<best>"));
        Assert.Throws<ArgumentException>(() => words.WithControlTokens("good"));
        Assert.Throws<ArgumentException>(() => words.WithControlTokens("<eos>"));
    }

    [Fact]
    public void A_version_1_vocabulary_still_loads_and_one_without_control_tokens_is_still_written_as_version_1()
    {
        // Written by hand as the format-1 code wrote it.
        File.WriteAllText(Path.Combine(_folder, WordTokenizer.FileName), """
            {
              "format": "alpacafarm-word-vocab/1",
              "special": ["<pad>", "<bos>", "<eos>", "<unk>", "<instruction>", "<response>"],
              "tokens": [".", "a", "b"]
            }
            """);
        var loaded = WordTokenizer.Load(_folder);
        Assert.Equal([".", "a", "b"], loaded.Words);
        Assert.Empty(loaded.ControlTokens);

        loaded.Save(_folder);
        using (var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, WordTokenizer.FileName))))
        {
            Assert.Equal("alpacafarm-word-vocab/1", saved.RootElement.GetProperty("format").GetString());
            Assert.False(saved.RootElement.TryGetProperty("control", out _));
        }

        loaded.WithControlTokens("<good>").Save(_folder);
        using (var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, WordTokenizer.FileName))))
            Assert.Equal("alpacafarm-word-vocab/2", saved.RootElement.GetProperty("format").GetString());
        var reloaded = WordTokenizer.Load(_folder);
        Assert.Equal(["<good>"], reloaded.ControlTokens);
        Assert.Equal(9, reloaded.ControlId("<good>"));
    }

    [Fact]
    public void The_prompt_format_puts_the_control_token_after_begin_of_sequence()
    {
        var tokenizer = new WordTokenizer(["b", "a", "."]).WithControlTokens("<good>");

        Assert.Equal([1, 4, 7, 8, 5], PromptFormat.Prompt(tokenizer, "a b"));
        Assert.Equal([1, 9, 4, 7, 8, 5], PromptFormat.Prompt(tokenizer, "a b", "<good>"));
        // Cut to fit, the prompt keeps begin-of-sequence and the control token in front of its last tokens.
        var (prompt, response) = PromptFormat.Fit(tokenizer, "a b a b a b a b a b", "a", maxLength: 10, control: "<good>");
        Assert.Equal([1, 9, 8, 7, 8, 7, 8, 5], prompt);
        Assert.Equal([7, 2], response);
    }

    [Fact]
    public void Growing_keeps_every_old_logit_and_starts_the_new_rows_near_the_mean_embedding()
    {
        var tokenizer = new WordTokenizer(["b", "a", "."]);
        using var model = new CausalTransformer(new TransformerConfig(tokenizer.VocabularySize, Depth: 1, Width: 16, Heads: 2, MaxSequenceLength: 16), new Generator(3));
        using var grown = ControlTokenGrowth.Grow(model, 2, new Generator(4));

        Assert.Equal((11, 2), (grown.Config.VocabularySize, grown.Config.ControlTokens));
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 1, 4, 7, 8, 5 }).unsqueeze(0);
        var before = model.forward(ids);
        var after = grown.forward(ids);
        Assert.True(after.narrow(-1, 0, 9).allclose(before, rtol: 0, atol: 1e-6), "the old ids' logits changed");
        Assert.True(after.narrow(-1, 9, 2).eq(CausalTransformer.MaskedLogit).all().item<bool>(), "control-token logits are not masked");

        var table = grown.state_dict()["token_embedding.weight"];
        var old = model.state_dict()["token_embedding.weight"];
        var fromMean = table.narrow(0, 9, 2).sub(old.mean([0], keepdim: true)).abs().max().item<float>();
        var spread = old.std().item<float>();
        Assert.True(fromMean > 0 && fromMean < 0.5 * spread, $"new rows lie {fromMean} from the mean embedding (old rows' std {spread})");
        Assert.False(table[9].eq(table[10]).all().item<bool>(), "the two new rows are identical: no noise");
    }

    [Fact]
    public void A_control_token_is_never_sampled_even_where_its_raw_logit_would_win()
    {
        var tokenizer = new WordTokenizer(["b", "a", "."]).WithControlTokens("<good>");
        using var plain = new CausalTransformer(new TransformerConfig(9, Depth: 1, Width: 16, Heads: 2, MaxSequenceLength: 24), new Generator(5));
        using var model = ControlTokenGrowth.Grow(plain, 1, new Generator(6));
        var prompt = PromptFormat.Prompt(tokenizer, "a b");

        // Point the control token's (tied) embedding along the prompt's last hidden state, scaled far past any word's logit.
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var hidden = model.Hidden(tensor(prompt.Select(i => (long)i).ToArray()).unsqueeze(0)).select(1, -1).squeeze(0);
            model.state_dict()["token_embedding.weight"][9].copy_(hidden.mul(1000.0.ToScalar()).div(hidden.square().sum()));
            var raw = hidden.matmul(model.state_dict()["token_embedding.weight"].t());
            Assert.Equal(9, raw.argmax().item<long>()); // unmasked, the control token would be the next token almost surely
            var logProbs = model.Logits(hidden.unsqueeze(0)).log_softmax(-1);
            Assert.True(logProbs[0, 9].item<float>() < -1e6, "the control token keeps probability");
            Assert.Equal(1.0, logProbs.narrow(-1, 0, 9).exp().sum().item<float>(), 5);
        }

        var samples = new Sampler(model, tokenizer).Generate([.. Enumerable.Repeat((IReadOnlyList<int>)prompt, 64)],
            [.. Enumerable.Range(0, 64).Select(i => $"draw {i}")], new SamplingOptions(1.0, 1.0, 8, 0));
        Assert.All(samples, ids => Assert.DoesNotContain(9, ids));
    }

    [Fact]
    public void A_policy_config_records_the_control_token_it_decodes_with()
    {
        var tokenizer = TinyWorld.Tokenizer().WithControlTokens("<good>", "<bad>");
        using var model = new CausalTransformer(new TransformerConfig(tokenizer.VocabularySize, Depth: 1, Width: 16, Heads: 2, MaxSequenceLength: 32, ControlTokens: 2), new Generator(7));
        var compute = new ComputeResources("cpu", 1, 1L << 30);
        var handle = Checkpoint.SavePolicy(model, tokenizer, _folder, "test/1", decodeControl: "<good>");

        Assert.Equal("<good>", Checkpoint.ReadManifest(handle.Path).DecodeControl);
        using (var policy = TorchPolicy.Open(handle, compute)) Assert.Equal("<good>", policy.Control);
        using (var bad = TorchPolicy.Open(handle, compute, control: "<bad>")) Assert.Equal("<bad>", bad.Control);
        Assert.Throws<ArgumentException>(() => TorchPolicy.Open(handle, compute, control: "<best>"));
        Assert.Throws<ArgumentException>(() => Checkpoint.SavePolicy(model, tokenizer, Path.Combine(_folder, "other"), "test/1", decodeControl: "<best>"));

        // The same prompt and key: a policy answers what the model answers to the prompt behind its token, and the two
        // tokens answer differently (so the first check would notice a policy that dropped its token).
        var decoding = new DecodingOptions(1.0, 1.0, 6, 3);
        string Answer(string? control)
        {
            using var opened = TorchPolicy.Open(handle, compute, control: control);
            return opened.Sample(["The cow"], ["k"], decoding, CancellationToken.None)[0];
        }
        var (loaded, _) = Checkpoint.LoadPolicy(handle);
        using (loaded)
        {
            string Direct(string control) => tokenizer.Decode(PromptFormat.UntilEos(tokenizer,
                new Sampler(loaded, tokenizer).Generate([PromptFormat.Prompt(tokenizer, "The cow", control)], ["k"], SamplingOptions.From(decoding))[0]));
            Assert.Equal(Direct("<good>"), Answer(null));
            Assert.Equal(Direct("<bad>"), Answer("<bad>"));
            Assert.NotEqual(Direct("<good>"), Direct("<bad>"));
        }
    }
}
