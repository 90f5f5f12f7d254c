using System.Text;
using System.Text.Json;
using AlpacaFarm.Evaluation.Outputs;
using AlpacaFarm.Evaluation.Sets;

namespace AlpacaFarm.Tests.Evaluation;

public sealed class ModelOutputsReaderTests : IDisposable
{
    private static readonly Lazy<ReferenceFileSet> Set = new(() => ReferenceFileSet.Load(SharedData.Reference));
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-outputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SharedDataFact]
    public void The_reference_defines_805_instructions()
    {
        Assert.Equal(805, Set.Value.Items.Count);
        Assert.Equal("text_davinci_003", Set.Value.ReferenceGenerator);
        Assert.Equal(252, Set.Value.Items.Count(item => item.Dataset == "selfinstruct"));
    }

    [SharedDataFact]
    public void A_complete_file_aligns_with_the_set()
    {
        var aligned = ModelOutputsReader.ReadFor(SharedData.Path("alpaca_eval/gpt4.json"), Set.Value);

        Assert.Equal(0, aligned.Missing);
        Assert.Empty(aligned.Warnings);
        Assert.Equal(Set.Value.Items[10].Instruction, aligned.ByItem[10]!.Instruction);
    }

    [SharedDataFact]
    public void Empty_outputs_are_refused_naming_the_rows()
    {
        var path = SharedData.Path("alpaca_eval/text_davinci_003.json");

        var error = Assert.Throws<InputValidationException>(() => ModelOutputsReader.ReadFor(path, Set.Value));

        Assert.Equal($"{path}: rows 247, 504: empty output", error.Message);
    }

    [SharedDataFact]
    public void Two_missing_instructions_are_a_warning()
    {
        var aligned = ModelOutputsReader.ReadFor(SharedData.Path("alpaca_eval/text_davinci_001.json"), Set.Value);

        Assert.Equal(2, aligned.Missing);
        Assert.Null(aligned.ByItem[247]);
        Assert.Null(aligned.ByItem[504]);
        Assert.Contains("2 of the 805 instructions are missing (set rows 247, 504)", Assert.Single(aligned.Warnings));
    }

    [SharedDataFact]
    public void More_than_five_missing_is_refused()
    {
        var path = Write("six-missing.json", Rows().Skip(6));

        var error = Assert.Throws<InputValidationException>(() => ModelOutputsReader.ReadFor(path, Set.Value));

        Assert.StartsWith($"{path}: 6 of the 805 instructions of reference_text_davinci_003.json are missing (at most 5 allowed;", error.Message);
    }

    [Fact]
    public void Not_json()
    {
        var path = Path.Combine(_folder, "broken.json");
        File.WriteAllText(path, "[{\"instruction\": ");

        var error = Assert.Throws<InputValidationException>(() => ModelOutputsReader.Read(path));

        Assert.StartsWith($"{path}: not JSON (", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Not_utf8()
    {
        var path = Path.Combine(_folder, "latin1.json");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("[{\"instruction\": \"caf"), 0xE9, .. Encoding.ASCII.GetBytes("\"}]")]);

        var error = Assert.Throws<InputValidationException>(() => ModelOutputsReader.Read(path));

        Assert.Equal($"{path}: not UTF-8 (invalid byte at offset 21)", error.Message);
    }

    [Fact]
    public void Not_an_array()
    {
        var path = Path.Combine(_folder, "object.json");
        File.WriteAllText(path, "{\"instruction\": \"x\"}");

        Assert.Equal($"{path}: expected a JSON array of rows, found object", Assert.Throws<InputValidationException>(() => ModelOutputsReader.Read(path)).Message);
    }

    [Fact]
    public void Missing_fields_name_the_rows_and_the_field()
    {
        var rows = HandRows().ToList();
        rows[3].Remove("output");
        rows[9].Remove("output");
        var path = Write("missing-field.json", rows);

        Assert.Equal($"{path}: rows 3, 9: missing or non-string field 'output'",
            Assert.Throws<InputValidationException>(() => ModelOutputsReader.Read(path)).Message);
    }

    [SharedDataFact]
    public void Instructions_not_in_the_set()
    {
        var rows = Rows().ToList();
        rows[2]["instruction"] = "Write a haiku about SQLite.";
        var path = Write("foreign.json", rows);

        Assert.Equal($"{path}: row 2: instruction not in the evaluation set reference_text_davinci_003.json",
            Assert.Throws<InputValidationException>(() => ModelOutputsReader.ReadFor(path, Set.Value)).Message);
    }

    [Fact]
    public void Duplicates()
    {
        var rows = HandRows().ToList();
        rows[7]["instruction"] = rows[1]["instruction"];
        var path = Write("duplicate.json", rows);

        Assert.Equal($"{path}: row 7: duplicate instruction (first seen at row 1)",
            Assert.Throws<InputValidationException>(() => ModelOutputsReader.Read(path)).Message);
    }

    [Fact]
    public void Oversized_output()
    {
        var rows = HandRows().ToList();
        rows[4]["output"] = new string('a', ModelOutputsReader.MaxOutputBytes + 1);
        var path = Write("huge.json", rows);

        Assert.Equal($"{path}: row 4: output over 64 KiB",
            Assert.Throws<InputValidationException>(() => ModelOutputsReader.Read(path)).Message);
    }

    [Fact]
    public void An_input_field_is_merged_into_the_instruction()
    {
        var rows = new List<Dictionary<string, object?>>
        {
            new() { ["instruction"] = "Translate.", ["input"] = "Bonjour", ["output"] = "Hello", ["generator"] = "m" },
            new() { ["instruction"] = "Say hi.", ["input"] = "", ["output"] = "Hi", ["generator"] = "m" },
        };

        var outputs = ModelOutputsReader.Read(Write("inputs.json", rows));

        Assert.Equal("Translate.\n\nBonjour", outputs[0].Instruction);
        Assert.Equal("Say hi.", outputs[1].Instruction);
    }

    // Rows of made-up instructions, for checks that need no evaluation set.
    private static IEnumerable<Dictionary<string, object?>> HandRows() =>
        Enumerable.Range(0, 12).Select(i => new Dictionary<string, object?>
        {
            ["instruction"] = $"Question {i}?", ["output"] = "An answer.", ["generator"] = "test-model",
        });

    private IEnumerable<Dictionary<string, object?>> Rows() =>
        Set.Value.Items.Select(item => new Dictionary<string, object?>
        {
            ["instruction"] = item.Instruction, ["output"] = "An answer.", ["generator"] = "test-model", ["dataset"] = item.Dataset,
        });

    private string Write(string name, IEnumerable<Dictionary<string, object?>> rows)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, JsonSerializer.Serialize(rows));
        return path;
    }
}
