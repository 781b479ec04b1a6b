package sluice.devshims;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestHandler;

/**
 * Stand-ins for the parts of the official distribution that the integ-test-zip leaves out and
 * Sluice relies on: the `english` analyzer and a few token filters (module analysis-common) and
 * the `GET /` info endpoint (module rest-root). Names and behaviour follow the official modules
 * for their default settings, so an index template works unchanged on either node.
 */
public class DevShimsPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("english", (indexSettings, environment, name, settings) -> new AbstractIndexAnalyzerProvider<EnglishAnalyzer>(name) {
            @Override
            public EnglishAnalyzer get() {
                return new EnglishAnalyzer();
            }
        });
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "asciifolding", (indexSettings, environment, name, settings) -> filter(name, ASCIIFoldingFilter::new),
            "porter_stem", (indexSettings, environment, name, settings) -> filter(name, PorterStemFilter::new),
            "stemmer", (indexSettings, environment, name, settings) -> stemmer(name, settings.get("language", settings.get("name", "porter")))
        );
    }

    private static TokenFilterFactory stemmer(String name, String language) {
        return switch (language) {
            case "english", "porter" -> filter(name, PorterStemFilter::new);
            case "possessive_english" -> filter(name, EnglishPossessiveFilter::new);
            default -> throw new IllegalArgumentException(
                "stemmer language [" + language + "] needs the analysis-common module; this node only knows english, porter, possessive_english"
            );
        };
    }

    private static TokenFilterFactory filter(String name, UnaryOperator<TokenStream> wrap) {
        return new AbstractTokenFilterFactory(name) {
            @Override
            public TokenStream create(TokenStream tokenStream) {
                return wrap.apply(tokenStream);
            }
        };
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        RestHandlersServices services,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new RootInfoHandler(services.settings()));
    }
}
