using System.Diagnostics;
using System.Text.Json;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Sets;
using AlpacaFarm.Judges.Configuration;
using AlpacaFarm.Judges.Parsing;
using AlpacaFarm.Judges.Prompts;
using OpenAI.Chat;
using Polly;

namespace AlpacaFarm.Judges;

/// <summary>
/// An LLM judge as a pool member: batches pairs into prompts, retries transient faults, re-asks a batch whose answer
/// does not cover every pair one pair at a time, and reports a pair it finally could not judge as a failed verdict
/// (never cached) while the others are kept.
/// </summary>
public sealed class LlmJudge : IPairAnnotator
{
    private readonly ChatClient _client;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _concurrency;

    public LlmJudge(JudgeConfig config, ChatClient client)
    {
        Config = config;
        _client = client;
        _pipeline = JudgeResilience.Create(config);
        _concurrency = new SemaphoreSlim(config.MaxConcurrency);
        ConfigurationHash = ContentHash.Sha256(JsonSerializer.Serialize(config.VerdictShapingFields));
    }

    public JudgeConfig Config { get; }

    public string Id => Config.Id;

    public string ConfigurationHash { get; }

    /// <summary>Sampling judges (temperature above 0) give random verdicts: their cache entries are per seed.</summary>
    public bool IsRandom => Config.Temperature > 0;

    public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<PairToJudge> pairs, long seed, CancellationToken cancellationToken)
    {
        var batches = pairs.Chunk(Config.BatchSize).ToList();
        var results = await Task.WhenAll(batches.Select(batch => JudgeBatchAsync(batch, cancellationToken)));
        return results.SelectMany(verdicts => verdicts).ToList();
    }

    private async Task<IReadOnlyList<Verdict>> JudgeBatchAsync(PairToJudge[] batch, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(batch, cancellationToken);
        if (answer is not null || batch.Length == 1) return answer ?? [new Verdict(null, 0, 0)];
        // The batch's answer did not cover every pair: ask each pair on its own.
        var single = await Task.WhenAll(batch.Select(pair => AskAsync([pair], cancellationToken)));
        return single.Select(verdicts => verdicts?[0] ?? new Verdict(null, 0, 0)).ToList();
    }

    /// <summary>One verdict per pair, or null when a multi-pair answer did not parse; transient faults are retried.</summary>
    private async Task<IReadOnlyList<Verdict>?> AskAsync(PairToJudge[] pairs, CancellationToken cancellationToken)
    {
        var messages = PromptBuilder.Build(Config.PromptFamily, Config.Persona, Config.InContextExamples, pairs);
        var options = new ChatCompletionOptions
        {
            Temperature = (float)Config.Temperature,
            MaxOutputTokenCount = Config.MaxTokens,
        };
        if (Config.Parser == "logprob")
        {
            options.IncludeLogProbabilities = true;
            options.TopLogProbabilityCount = 5;
        }

        await _concurrency.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            var (preferences, completion) = await _pipeline.ExecuteAsync(async token =>
            {
                ChatCompletion completion = await _client.CompleteChatAsync(messages, options, token);
                var text = completion.Content.Count > 0 ? completion.Content[0].Text : "";
                var parsed = AnswerParser.Parse(Config.Parser, text, completion.ContentTokenLogProbabilities, pairs.Length);
                if (parsed is null && pairs.Length == 1) throw new UnparseableAnswerException(text);
                return (parsed, completion);
            }, cancellationToken);
            if (preferences is null) return null;
            var price = ((completion.Usage?.InputTokenCount ?? 0) * Config.PricePerMillionInputTokens
                + (completion.Usage?.OutputTokenCount ?? 0) * Config.PricePerMillionOutputTokens) / 1e6 / pairs.Length;
            var seconds = clock.Elapsed.TotalSeconds / pairs.Length;
            return preferences.Select(preference => new Verdict(preference, price, seconds)).ToList();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            return pairs.Select(_ => new Verdict(null, 0, 0)).ToList(); // final failure: reported per row, never cached
        }
        finally
        {
            _concurrency.Release();
        }
    }
}
