using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Modeling.Data;

namespace AlpacaFarm.Tests.Modeling;

public sealed class PreferencePairsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alpacafarm-pairs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Pairs_are_written_in_the_cached_folders_format_and_read_back_from_their_handle()
    {
        LabelledPair[] rows = [new("Sort 3, 1.", "1, 3.", "3, 1.", 1, "farm-careful", 0.0015, 2.5), new("Name a fruit.", "Apple.", "Hay.", 2, "noise", 0, 0)];

        PreferencePairs.Write(_folder, rows, "pool=abc;p=0.25");

        // The bytes of folders cached before the format moved into the SDK: snake_case keys, one object a line.
        Assert.Equal(
            "{\"instruction\":\"Sort 3, 1.\",\"output1\":\"1, 3.\",\"output2\":\"3, 1.\",\"preference\":1,\"annotator\":\"farm-careful\",\"price\":0.0015,\"time_seconds\":2.5}\n" +
            "{\"instruction\":\"Name a fruit.\",\"output1\":\"Apple.\",\"output2\":\"Hay.\",\"preference\":2,\"annotator\":\"noise\",\"price\":0,\"time_seconds\":0}\n",
            File.ReadAllText(Path.Combine(_folder, "pairs.jsonl")));
        Assert.Equal("{\"labelling\":\"pool=abc;p=0.25\",\"pairs\":2,\"code_version\":\"preference-data/1\"}", File.ReadAllText(Path.Combine(_folder, "manifest.json")));
        Assert.Equal(rows, PreferencePairs.Read(ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, _folder, PreferencePairs.CodeVersion)));
    }

    [Fact]
    public void Reading_refuses_another_kind_of_artifact_and_pairs_changed_since_their_handle()
    {
        PreferencePairs.Write(_folder, [new("Name a fruit.", "Apple.", "Hay.", 1, "a", 0, 0)], "x");
        var handle = ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, _folder, PreferencePairs.CodeVersion);

        Assert.Throws<ArgumentException>(() => PreferencePairs.Read(handle with { Kind = ArtifactKind.Policy }));
        File.AppendAllText(Path.Combine(_folder, "pairs.jsonl"), "{}\n");
        Assert.Throws<InvalidDataException>(() => PreferencePairs.Read(handle));
    }
}
