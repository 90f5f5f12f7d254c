using System.Text.Json;
using System.Text.Json.Serialization;
using AlpacaFarm.Evaluation.Annotators;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Judges.Clients;
using AlpacaFarm.Judges.Configuration;
using AlpacaFarm.Judges.Parsing;
using AlpacaFarm.Judges.Prompts;

namespace AlpacaFarm.Judges;

/// <summary>LLM-judge pools from configuration files: the shipped ones by name, or any file by path.</summary>
public static class JudgePools
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Folder of the shipped pool files, next to the application.</summary>
    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "annotators");

    /// <summary>Names of the shipped pool files (without .json).</summary>
    public static IReadOnlyList<string> ShippedNames =>
        Directory.Exists(ShippedFolder)
            ? [.. Directory.EnumerateFiles(ShippedFolder, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    /// <summary>The configuration a name or path refers to, or null when it is neither a shipped name nor a file.</summary>
    public static JudgePoolConfig? TryReadConfig(string nameOrPath)
    {
        var path = File.Exists(nameOrPath) ? nameOrPath : Path.Combine(ShippedFolder, nameOrPath + ".json");
        return File.Exists(path) ? ReadConfig(path) : null;
    }

    /// <summary>Reads and validates a pool file; every problem is one line naming the file.</summary>
    public static JudgePoolConfig ReadConfig(string path)
    {
        JudgePoolConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<JudgePoolConfig>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new InputValidationException($"{path}: not a valid pool configuration ({e.Message.Split('\n')[0].Trim()})");
        }
        if (config is null || config.Members.Count == 0) throw new InputValidationException($"{path}: the pool has no members");
        var problems = config.Members.SelectMany(Problems).ToList();
        var duplicate = config.Members.GroupBy(member => member.Id).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null) problems.Add($"member id '{duplicate.Key}' appears twice");
        return problems.Count == 0 ? config : throw new InputValidationException($"{path}: {problems[0]}");
    }

    /// <summary>The pool with live clients; keys are read from the environment variables the file names.</summary>
    public static AnnotatorPool Create(JudgePoolConfig config, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return new AnnotatorPool(config.Name, config.Members.Select(member => (IPairAnnotator)new LlmJudge(member, ChatClientFactory.Create(member, environment))).ToList());
    }

    /// <summary>One LLM judge of a pool file, validated, with its client (its key read from the environment).</summary>
    public static IPairAnnotator Member(JsonElement member, string path, Func<string, string?>? environment = null)
    {
        JudgeConfig? judge;
        try
        {
            judge = member.Deserialize<JudgeConfig>(Json);
        }
        catch (JsonException e)
        {
            throw new InputValidationException($"{path}: not a valid judge ({e.Message.Split('\n')[0].Trim()})");
        }
        if (judge is null) throw new InputValidationException($"{path}: a judge member is null");
        if (Problems(judge).FirstOrDefault() is { } problem) throw new InputValidationException($"{path}: {problem}");
        return new LlmJudge(judge, ChatClientFactory.Create(judge, environment ?? Environment.GetEnvironmentVariable));
    }

    private static IEnumerable<string> Problems(JudgeConfig judge)
    {
        var who = $"member '{judge.Id}'";
        if (!ChatClientFactory.Kinds.Contains(judge.Endpoint.Kind)) yield return $"{who}: endpoint kind '{judge.Endpoint.Kind}' is not one of {string.Join(", ", ChatClientFactory.Kinds)}";
        if (judge.Endpoint.Kind != "openai" && !Uri.TryCreate(judge.Endpoint.Url, UriKind.Absolute, out _)) yield return $"{who}: endpoint url is required and must be absolute";
        if (!PromptFamilies.ParserOf.TryGetValue(judge.PromptFamily, out var parser)) yield return $"{who}: unknown prompt family '{judge.PromptFamily}'";
        else if (parser != judge.Parser) yield return $"{who}: prompt family '{judge.PromptFamily}' needs the '{parser}' parser";
        if (!AnswerParser.Names.Contains(judge.Parser)) yield return $"{who}: unknown parser '{judge.Parser}'";
        if (judge.BatchSize < 1 || (judge.Parser == "logprob" && judge.BatchSize != 1)) yield return $"{who}: batch size must be at least 1 (exactly 1 for logprob judges)";
        if (judge.InContextExamples < 0 || judge.InContextExamples > InContextExamples.All.Count) yield return $"{who}: in-context examples must be 0–{InContextExamples.All.Count}";
        if (judge.Persona is not null && judge.Persona is not ("detail" or "concise")) yield return $"{who}: persona must be detail, concise or absent";
        if (judge.Temperature < 0 || judge.MaxTokens < 1 || judge.TimeoutSeconds <= 0 || judge.MaxConcurrency < 1 || judge.MaxRetries < 0
            || judge.RetryBaseSeconds < 0 || judge.MaxRetryAfterSeconds < 0)
            yield return $"{who}: temperature, max tokens, timeout, concurrency, retries, retry base and max retry-after must be in range";
    }
}
