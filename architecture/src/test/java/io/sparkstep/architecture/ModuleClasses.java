package io.sparkstep.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The classes of one built module: its jar, or its classes directory in a reactor build, found from one of them. */
final class ModuleClasses {
  /** Each module is read once, however many rules check it. */
  private static final Map<Class<?>, JavaClasses> READ = new ConcurrentHashMap<>();

  private ModuleClasses() {
  }

  static JavaClasses of(Class<?> anyClassOfTheModule) {
    return READ.computeIfAbsent(anyClassOfTheModule, ModuleClasses::read);
  }

  private static JavaClasses read(Class<?> anyClassOfTheModule) {
    try {
      Location location = Location.of(anyClassOfTheModule.getProtectionDomain().getCodeSource().getLocation().toURI());
      return new ClassFileImporter().importLocations(Set.of(location));
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the module of " + anyClassOfTheModule.getName(), e);
    }
  }
}
