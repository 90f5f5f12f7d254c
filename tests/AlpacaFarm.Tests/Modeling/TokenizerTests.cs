using AlpacaFarm.Abstractions.Text;
using AlpacaFarm.Modeling.Tokenization;

namespace AlpacaFarm.Tests.Modeling;

public sealed class TokenizerTests
{
    [Theory]
    [InlineData("The cow eats grass.")]
    [InlineData("Yes, the sun is warm (very warm) today.")]
    [InlineData("1. cow\n2. pig")]
    [InlineData("What does the cow eat?")]
    public void Canonical_texts_round_trip(string text)
    {
        var tokenizer = TinyWorld.Tokenizer();

        var ids = tokenizer.Encode(text);

        Assert.DoesNotContain(tokenizer.UnkId, ids);
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void Joining_follows_the_spacing_rules()
    {
        Assert.Equal("a (b) c, d; e: f! g? h.\ni", CanonicalText.Detokenize(["a", "(", "b", ")", "c", ",", "d", ";", "e", ":", "f", "!", "g", "?", "h", ".", "\n", "i"]));
        Assert.Equal(["a", "12", "b", "(", "\n", "x", "-", "y"], CanonicalText.Tokenize("a12b(\n x-y"));
    }

    [Fact]
    public void Unknown_tokens_become_unk_and_special_ids_are_dropped_from_text()
    {
        var tokenizer = TinyWorld.Tokenizer();

        var ids = tokenizer.Encode("The zebra eats grass.");

        Assert.Equal(tokenizer.UnkId, ids[1]);
        Assert.Equal(5, ids.Count);
        Assert.Equal("The <unk> eats grass.", tokenizer.Decode(ids));
        Assert.Equal("The cow", tokenizer.Decode([tokenizer.BosId, .. tokenizer.Encode("The cow"), tokenizer.EosId, tokenizer.PadId]));
    }

    [Fact]
    public void Special_ids_come_first_and_the_vocabulary_is_sorted_and_distinct()
    {
        var tokenizer = new WordTokenizer(["b", "a", "b", "."]);

        Assert.Equal([0, 1, 2, 3, 4, 5], new[] { tokenizer.PadId, tokenizer.BosId, tokenizer.EosId, tokenizer.UnkId, tokenizer.InstructionId, tokenizer.ResponseId });
        Assert.Equal([".", "a", "b"], tokenizer.Words);
        Assert.Equal(9, tokenizer.VocabularySize);
        Assert.Throws<ArgumentException>(() => new WordTokenizer(["two words"]));
    }

    [Fact]
    public void The_vocabulary_file_recreates_the_tokenizer()
    {
        var tokenizer = TinyWorld.Tokenizer();
        var folder = Directory.CreateTempSubdirectory("alpacafarm-vocab-").FullName;
        try
        {
            tokenizer.Save(folder);
            var loaded = WordTokenizer.Load(folder);

            Assert.Equal(tokenizer.Words, loaded.Words);
            Assert.Equal(tokenizer.Encode("The pig sleeps in the barn."), loaded.Encode("The pig sleeps in the barn."));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_prompt_format_wraps_instruction_and_response()
    {
        var tokenizer = TinyWorld.Tokenizer();

        var prompt = PromptFormat.Prompt(tokenizer, "List two animals.");
        var response = PromptFormat.Response(tokenizer, "1. cow");

        Assert.Equal([tokenizer.BosId, tokenizer.InstructionId], prompt[..2]);
        Assert.Equal(tokenizer.ResponseId, prompt[^1]);
        Assert.Equal(tokenizer.EosId, response[^1]);
        Assert.Equal(response[..^1], PromptFormat.UntilEos(tokenizer, [.. response, 7, 8]));
    }
}
