namespace AlpacaFarm.Abstractions.Policies;

/// <summary>A batch of prompts (instructions) to answer with one output each.</summary>
public sealed record GenerationRequest(IReadOnlyList<string> Prompts, DecodingOptions Options);

/// <summary>One output per prompt, in the request's order.</summary>
public sealed record GenerationResult(IReadOnlyList<string> Outputs);
