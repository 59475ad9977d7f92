/** Example DAGs shipped with Gale and found on the classpath through ServiceLoader. */
package io.gale.dags;
