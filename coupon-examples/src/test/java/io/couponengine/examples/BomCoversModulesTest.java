package io.couponengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * coupon-bom lists exactly the published modules. The rule, read from the poms:
 * <ul>
 *   <li>a module of the parent is <em>published</em> when its packaging is {@code jar} (the default) and it does not
 *       set {@code maven.deploy.skip} to {@code true} (coupon-examples and benchmarks do);</li>
 *   <li>every published module is in the BOM, and so is its test-jar when its pom builds one (the
 *       {@code test-jar} goal of maven-jar-plugin);</li>
 *   <li>every artifact the BOM names is such a module or test-jar;</li>
 *   <li>every directory at the root with a {@code pom.xml} is a module of the parent (so a new module cannot be
 *       forgotten in both places at once);</li>
 *   <li>the BOM has no parent, the parent's groupId and version, and versions its entries with
 *       {@code ${project.version}}.</li>
 * </ul>
 */
class BomCoversModulesTest {
  private static final String GROUP = "io.couponengine";

  @Test
  void bom_listsEveryPublishedModule() throws Exception {
    assertThat(problems(projectRoot())).isEmpty();
  }

  @Test
  void bom_missingAModuleWhoseDirectoryExists_isReported(@TempDir Path dir) throws Exception {
    Path root = projectRoot();
    copyPoms(root, dir);
    // a new module (directory, pom, listed in the parent) without a BOM entry: reported
    addModule(dir, "coupon-tracing");
    assertThat(problems(dir)).containsExactly("published module coupon-tracing (jar) is not in coupon-bom");
  }

  @Test
  void bom_namingAnUnknownModule_isReported(@TempDir Path dir) throws Exception {
    copyPoms(projectRoot(), dir);
    Path bom = dir.resolve("coupon-bom/pom.xml");
    Files.writeString(bom, Files.readString(bom).replace("<artifactId>coupon-jdbc</artifactId>",
        "<artifactId>coupon-jdbc2</artifactId>"));
    assertThat(problems(dir)).containsExactlyInAnyOrder(
        "published module coupon-jdbc (jar) is not in coupon-bom",
        "coupon-bom names coupon-jdbc2 (jar), which is not a published module");
  }

  @Test
  void bom_moduleDirectoryNotInTheParent_isReported(@TempDir Path dir) throws Exception {
    copyPoms(projectRoot(), dir);
    Files.createDirectories(dir.resolve("coupon-tracing"));
    Files.writeString(dir.resolve("coupon-tracing/pom.xml"), modulePom("coupon-tracing"));
    assertThat(problems(dir)).containsExactly("coupon-tracing has a pom.xml but is not a module of the parent");
  }

  /** Every way the BOM and the modules disagree, one sentence each; empty when they agree. */
  static List<String> problems(Path root) throws Exception {
    List<String> problems = new ArrayList<>();
    Element parent = read(root.resolve("pom.xml"));
    List<String> modules = children(child(parent, "modules"), "module");
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
          .map(d -> d.getFileName().toString())
          .filter(name -> !modules.contains(name))
          .sorted()
          .forEach(name -> problems.add(name + " has a pom.xml but is not a module of the parent"));
    }
    if (!modules.contains("coupon-bom")) {
      problems.add("coupon-bom is not a module of the parent");
      return problems;
    }

    Set<String> published = new TreeSet<>();
    for (String module : modules) {
      Element pom = read(root.resolve(module).resolve("pom.xml"));
      String packaging = text(pom, "packaging", "jar");
      Element properties = child(pom, "properties");
      boolean deploySkipped = properties != null && "true".equals(text(properties, "maven.deploy.skip", "false"));
      if (packaging.equals("jar") && !deploySkipped) {
        String artifactId = text(pom, "artifactId", module);
        published.add(artifactId + " (jar)");
        if (buildsTestJar(pom)) {
          published.add(artifactId + " (test-jar)");
        }
      }
    }

    Element bom = read(root.resolve("coupon-bom/pom.xml"));
    if (child(bom, "parent") != null) {
      problems.add("coupon-bom has a parent; a BOM to import must stand alone");
    }
    if (!GROUP.equals(text(bom, "groupId", null))) {
      problems.add("coupon-bom's groupId is not " + GROUP);
    }
    String version = text(parent, "version", null);
    if (!text(bom, "version", "").equals(version)) {
      problems.add("coupon-bom's version " + text(bom, "version", null) + " is not the parent's " + version);
    }
    Set<String> listed = new LinkedHashSet<>();
    for (Element dep : elements(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
      String entry = text(dep, "artifactId", null) + " (" + text(dep, "type", "jar") + ")";
      listed.add(entry);
      if (!GROUP.equals(text(dep, "groupId", null)) || !"${project.version}".equals(text(dep, "version", null))) {
        problems.add("coupon-bom entry " + entry + " is not " + GROUP + " at ${project.version}");
      }
    }

    for (String entry : published) {
      if (!listed.contains(entry)) {
        problems.add("published module " + entry + " is not in coupon-bom");
      }
    }
    for (String entry : listed) {
      if (!published.contains(entry)) {
        problems.add("coupon-bom names " + entry + ", which is not a published module");
      }
    }
    return problems;
  }

  private static boolean buildsTestJar(Element pom) {
    Element build = child(pom, "build");
    Element plugins = build == null ? null : child(build, "plugins");
    for (Element plugin : elements(plugins, "plugin")) {
      if ("maven-jar-plugin".equals(text(plugin, "artifactId", null))) {
        for (Element execution : elements(child(plugin, "executions"), "execution")) {
          if (children(child(execution, "goals"), "goal").contains("test-jar")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Path projectRoot() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>coupon-parent</artifactId>")
          && Files.isDirectory(dir.resolve("coupon-core"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no coupon-parent pom.xml above " + Path.of("").toAbsolutePath());
  }

  /** The root pom and every module's pom (nothing else), for tests that change them. */
  private static void copyPoms(Path root, Path to) throws Exception {
    Files.copy(root.resolve("pom.xml"), to.resolve("pom.xml"));
    for (String module : children(child(read(root.resolve("pom.xml")), "modules"), "module")) {
      Files.createDirectories(to.resolve(module));
      Files.copy(root.resolve(module).resolve("pom.xml"), to.resolve(module).resolve("pom.xml"));
    }
  }

  private static void addModule(Path root, String name) throws IOException {
    Files.createDirectories(root.resolve(name));
    Files.writeString(root.resolve(name).resolve("pom.xml"), modulePom(name));
    Path pom = root.resolve("pom.xml");
    Files.writeString(pom, Files.readString(pom).replace("<module>benchmarks</module>",
        "<module>benchmarks</module>\n    <module>" + name + "</module>"));
  }

  private static String modulePom(String artifactId) {
    return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
        + "<parent><groupId>io.couponengine</groupId><artifactId>coupon-parent</artifactId>"
        + "<version>0.2.0-SNAPSHOT</version></parent><artifactId>" + artifactId + "</artifactId></project>";
  }

  private static Element read(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (InputStream in = Files.newInputStream(pom)) {
      Document doc = factory.newDocumentBuilder().parse(in);
      return doc.getDocumentElement();
    }
  }

  /** The first direct child element named {@code name}, or null. */
  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> elements(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent != null) {
      NodeList nodes = parent.getChildNodes();
      for (int i = 0; i < nodes.getLength(); i++) {
        if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static List<String> children(Element parent, String name) {
    return elements(parent, name).stream().map(e -> e.getTextContent().trim()).toList();
  }

  private static String text(Element parent, String name, String fallback) {
    Element e = child(parent, name);
    return e == null ? fallback : e.getTextContent().trim();
  }
}
