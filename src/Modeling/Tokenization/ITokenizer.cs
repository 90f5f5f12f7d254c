namespace AlpacaFarm.Modeling.Tokenization;

/// <summary>
/// Text to token ids and back. The farm world's closed vocabulary is served by <see cref="WordTokenizer"/>;
/// a real-LM tokenizer (e.g. Microsoft.ML.Tokenizers) can implement the same interface later.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of ids, special ones included: every id is in [0, VocabularySize).</summary>
    int VocabularySize { get; }

    /// <summary>Fills batches past the end of shorter sequences; never attended to.</summary>
    int PadId { get; }

    /// <summary>Begins every sequence in <see cref="PromptFormat"/>.</summary>
    int BosId { get; }

    /// <summary>Ends every response: generation stops at it.</summary>
    int EosId { get; }

    /// <summary>Stands for a token outside the vocabulary.</summary>
    int UnkId { get; }

    /// <summary>Marks the start of the instruction in <see cref="PromptFormat"/>.</summary>
    int InstructionId { get; }

    /// <summary>Marks the start of the response in <see cref="PromptFormat"/>.</summary>
    int ResponseId { get; }

    /// <summary>The control tokens (e.g. <c>&lt;good&gt;</c>) in id order, the last ids of the vocabulary; no text encodes to them, and models never sample them.</summary>
    IReadOnlyList<string> ControlTokens { get; }

    /// <summary>The id of a control token; throws for a token this vocabulary does not have.</summary>
    int ControlId(string token);

    /// <summary>The ids of a text, without special tokens; unknown tokens become <see cref="UnkId"/>.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>The canonical text of ids; special ids other than <see cref="UnkId"/> are dropped.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>Writes the files that recreate this tokenizer into a checkpoint folder.</summary>
    void Save(string folder);
}
