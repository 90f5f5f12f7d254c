using AlpacaFarm.Abstractions.Text;
using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;
using AlpacaFarm.Modeling.Transformer;
using TorchSharp;

namespace AlpacaFarm.Tests.Modeling;

/// <summary>A few canonical texts, their closed vocabulary and a model small enough to train in seconds.</summary>
internal static class TinyWorld
{
    public static readonly SftExample[] Examples =
    [
        new("What does the cow eat?", "The cow eats grass."),
        new("Where does the pig sleep?", "The pig sleeps in the barn."),
        new("Is the sun warm today?", "Yes, the sun is warm (very warm) today."),
        new("List two animals.", "1. cow\n2. pig"),
    ];

    public static readonly string[] FillerWords =
        ["red", "blue", "hay", "mud", "fence", "gate", "duck", "hen", "field", "rain", "egg", "corn"];

    public static WordTokenizer Tokenizer() =>
        new(Examples.SelectMany(e => CanonicalText.Tokenize(e.Instruction).Concat(CanonicalText.Tokenize(e.Response)))
            .Concat(FillerWords).Concat(["tell", "me", "about"]));

    public static TransformerConfig Config(WordTokenizer tokenizer, bool valueHead = false) =>
        new(tokenizer.VocabularySize, Depth: 2, Width: 64, Heads: 4, MaxSequenceLength: 48, ValueHead: valueHead);

    public static CausalTransformer Model(WordTokenizer tokenizer, long seed = 1, bool valueHead = false) =>
        new(Config(tokenizer, valueHead), TorchSeeding.Generator("test-init", "tiny", seed));

    /// <summary>A model trained to reproduce <see cref="Examples"/>.</summary>
    public static (CausalTransformer Model, TrainingResult Result) Overfit(WordTokenizer tokenizer)
    {
        var model = Model(tokenizer);
        var options = new TrainingOptions(Epochs: 150, BatchSize: 4, LearningRate: 3e-3, WarmupFraction: 0.05, WeightDecay: 0, Seed: 3);
        return (model, new SftTrainer(model, tokenizer, options).Train(Examples));
    }

    /// <summary>One prompt's token ids as a [1, length] tensor (in the caller's dispose scope).</summary>
    public static torch.Tensor PromptIds(WordTokenizer tokenizer, string instruction) =>
        torch.tensor(PromptFormat.Prompt(tokenizer, instruction).Select(i => (long)i).ToArray()).unsqueeze(0);

    public static IReadOnlyList<IReadOnlyList<int>> Prompts(WordTokenizer tokenizer, IEnumerable<string> instructions) =>
        [.. instructions.Select(i => (IReadOnlyList<int>)PromptFormat.Prompt(tokenizer, i))];
}

/// <summary>An <see cref="IProgress{T}"/> that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class Recorder<T>(Action<T>? onReport = null) : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public void Report(T value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}
