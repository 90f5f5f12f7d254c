namespace AlpacaFarm.Modeling.Tokenization;

/// <summary>
/// The project's one prompt template: <c>[bos] [control]? [instruction] …instruction… [response]</c>, then the
/// response, which ends with <c>[eos]</c>. The optional control token (reward conditioning's <c>&lt;good&gt;</c>,
/// Quark's quantile tokens) conditions what follows; without one the ids are what they always were. Every trainer,
/// sampler and scorer builds sequences here.
/// </summary>
public static class PromptFormat
{
    /// <summary>The ids a model sees before it writes a response, conditioned on <paramref name="control"/> when given.</summary>
    public static int[] Prompt(ITokenizer tokenizer, string instruction, string? control = null) =>
        control is null
            ? [tokenizer.BosId, tokenizer.InstructionId, .. tokenizer.Encode(instruction), tokenizer.ResponseId]
            : [tokenizer.BosId, tokenizer.ControlId(control), tokenizer.InstructionId, .. tokenizer.Encode(instruction), tokenizer.ResponseId];

    /// <summary>The ids of a response as the model writes it: its tokens, then end-of-sequence.</summary>
    public static int[] Response(ITokenizer tokenizer, string response) => [.. tokenizer.Encode(response), tokenizer.EosId];

    /// <summary>The prompt and response ids, cut to fit <paramref name="maxLength"/>: the prompt keeps its last
    /// tokens (at most half the length when the response needs room), the response its first.</summary>
    /// <remarks>A cut prompt keeps its control token (and begin-of-sequence) in front of the kept tokens.</remarks>
    public static (int[] Prompt, int[] Response) Fit(ITokenizer tokenizer, string instruction, string response, int maxLength, string? control = null)
    {
        var prompt = Prompt(tokenizer, instruction, control);
        var answer = Response(tokenizer, response);
        if (prompt.Length + answer.Length <= maxLength) return (prompt, answer);
        var promptRoom = Math.Max(maxLength - answer.Length, maxLength / 2);
        if (prompt.Length > promptRoom) prompt = control is null ? prompt[^promptRoom..] : [.. prompt[..2], .. prompt[^(promptRoom - 2)..]];
        return (prompt, answer[..Math.Min(answer.Length, maxLength - prompt.Length)]);
    }

    /// <summary>Cuts generated ids at the first end-of-sequence (which is dropped).</summary>
    public static int[] UntilEos(ITokenizer tokenizer, IEnumerable<int> generated) =>
        generated.TakeWhile(id => id != tokenizer.EosId).ToArray();
}
