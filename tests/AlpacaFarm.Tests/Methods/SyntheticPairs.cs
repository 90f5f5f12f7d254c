using AlpacaFarm.Abstractions.Text;
using System.Globalization;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Randomness;
using AlpacaFarm.Modeling.Data;
using AlpacaFarm.Modeling.Tokenization;
using AlpacaFarm.Modeling.Training;

namespace AlpacaFarm.Tests.Methods;

/// <summary>
/// Noiseless preference pairs in the tiny policy's own vocabulary: the chosen and the rejected response are the same
/// sentence of random filler words, except that one word is the chosen marker in the one and the rejected marker in
/// the other. A method that learns from the preference must come to prefer the chosen marker; nothing else tells the
/// two apart.
/// </summary>
internal static class SyntheticPairs
{
    /// <summary>Pairs number <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 (each keyed by its number).</summary>
    public static List<PreferenceExample> Make(WordTokenizer tokenizer, int first, int count)
    {
        var words = tokenizer.Words.Where(word => word.All(char.IsAsciiLetterLower) && word.Length > 2).Take(14).ToArray();
        if (words.Length < 14) throw new InvalidOperationException("the tiny vocabulary has fewer than 14 lower-case words");
        var (chosenMarker, rejectedMarker, fillers) = (words[0], words[1], words[2..]);
        return [.. Enumerable.Range(first, count).Select(index =>
        {
            var random = KeyedRandom.Create("synthetic-pairs", index.ToString(CultureInfo.InvariantCulture), 0);
            var sentence = Enumerable.Range(0, 3 + random.NextInt(4)).Select(_ => random.Choose(fillers)).ToList();
            var at = random.NextInt(sentence.Count + 1);
            string With(string marker) => CanonicalText.Detokenize([.. sentence[..at], marker, .. sentence[at..], "."]);
            var instruction = CanonicalText.Detokenize(["Tell", "me", "about", random.Choose(fillers), random.Choose(fillers), "."]);
            return new PreferenceExample(instruction, With(chosenMarker), With(rejectedMarker));
        })];
    }

    /// <summary>
    /// Writes pairs as a preference-data artifact, each as the pool would label it: output 1 and 2 alternate so both
    /// label values occur, and <paramref name="draws"/> extra rows (preference 1.5) put the rejected response first.
    /// </summary>
    public static ArtifactHandle Write(string folder, IReadOnlyList<PreferenceExample> pairs, IReadOnlyList<PreferenceExample> draws)
    {
        var rows = pairs.Select((p, i) => i % 2 == 0
                ? new LabelledPair(p.Instruction, p.Chosen, p.Rejected, 1, "synthetic", 0, 0)
                : new LabelledPair(p.Instruction, p.Rejected, p.Chosen, 2, "synthetic", 0, 0))
            .Concat(draws.Select(p => new LabelledPair(p.Instruction, p.Rejected, p.Chosen, 1.5, "synthetic", 0, 0))).ToList();
        PreferencePairs.Write(folder, rows, "synthetic: noiseless marker pairs");
        return ArtifactHandle.ForFolder(ArtifactKind.PreferenceData, folder, PreferencePairs.CodeVersion);
    }
}
