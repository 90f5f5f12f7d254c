namespace AlpacaFarm.Modeling.Tokenization;

/// <summary>
/// The project's one prompt template: <c>[bos] [instruction] …instruction… [response]</c>, then the response,
/// which ends with <c>[eos]</c>. Every trainer, sampler and scorer builds sequences here.
/// </summary>
public static class PromptFormat
{
    /// <summary>The ids a model sees before it writes a response.</summary>
    public static int[] Prompt(ITokenizer tokenizer, string instruction) =>
        [tokenizer.BosId, tokenizer.InstructionId, .. tokenizer.Encode(instruction), tokenizer.ResponseId];

    /// <summary>The ids of a response as the model writes it: its tokens, then end-of-sequence.</summary>
    public static int[] Response(ITokenizer tokenizer, string response) => [.. tokenizer.Encode(response), tokenizer.EosId];

    /// <summary>Cuts generated ids at the first end-of-sequence (which is dropped).</summary>
    public static int[] UntilEos(ITokenizer tokenizer, IEnumerable<int> generated) =>
        generated.TakeWhile(id => id != tokenizer.EosId).ToArray();
}
