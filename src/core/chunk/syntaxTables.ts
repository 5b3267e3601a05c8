/**
 * Per-grammar node types: which nodes are definitions worth a chunk of their own, which of those
 * hold members that can be split out when the whole is too large, and which wrap a definition
 * (an `export`, a decorator, a template) and belong to its chunk.
 */
export interface SyntaxTable {
  definitions: Set<string>;
  containers: Set<string>;
  wrappers: Set<string>;
  /** Top-level statements that count as imports (their group is titled `imports`). */
  imports: Set<string>;
}

const set = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

const JS_DEFS = 'function_declaration generator_function_declaration class_declaration abstract_class_declaration interface_declaration type_alias_declaration enum_declaration internal_module module method_definition abstract_method_signature function_signature';
const JS_CONTAINERS = 'class_declaration abstract_class_declaration interface_declaration internal_module module class';

/** One table for each grammar in shippedGrammars.json (the code chunker's tests check that they match). */
export const SYNTAX: Record<string, SyntaxTable> = {
  typescript: { definitions: set(JS_DEFS), containers: set(JS_CONTAINERS), wrappers: set('export_statement ambient_declaration'), imports: set('import_statement') },
  tsx: { definitions: set(JS_DEFS), containers: set(JS_CONTAINERS), wrappers: set('export_statement ambient_declaration'), imports: set('import_statement') },
  javascript: { definitions: set(JS_DEFS), containers: set(JS_CONTAINERS), wrappers: set('export_statement'), imports: set('import_statement') },
  python: { definitions: set('function_definition class_definition'), containers: set('class_definition'), wrappers: set('decorated_definition'), imports: set('import_statement import_from_statement future_import_statement') },
  go: { definitions: set('function_declaration method_declaration type_declaration'), containers: set(''), wrappers: set(''), imports: set('package_clause import_declaration') },
  rust: {
    definitions: set('function_item function_signature_item struct_item enum_item union_item trait_item impl_item mod_item macro_definition type_item'),
    containers: set('impl_item trait_item mod_item'),
    wrappers: set(''),
    imports: set('use_declaration extern_crate_declaration'),
  },
  java: {
    definitions: set('class_declaration interface_declaration enum_declaration record_declaration annotation_type_declaration method_declaration constructor_declaration'),
    containers: set('class_declaration interface_declaration enum_declaration record_declaration'),
    wrappers: set(''),
    imports: set('package_declaration import_declaration'),
  },
  c_sharp: {
    definitions: set('namespace_declaration class_declaration struct_declaration interface_declaration enum_declaration record_declaration method_declaration constructor_declaration property_declaration'),
    containers: set('namespace_declaration class_declaration struct_declaration interface_declaration record_declaration'),
    wrappers: set(''),
    imports: set('using_directive'),
  },
  c: { definitions: set('function_definition struct_specifier enum_specifier union_specifier type_definition'), containers: set(''), wrappers: set(''), imports: set('preproc_include') },
  cpp: {
    definitions: set('function_definition class_specifier struct_specifier enum_specifier union_specifier namespace_definition type_definition'),
    containers: set('class_specifier struct_specifier namespace_definition'),
    wrappers: set('template_declaration'),
    imports: set('preproc_include using_declaration'),
  },
  ruby: { definitions: set('method singleton_method class module'), containers: set('class module'), wrappers: set(''), imports: set('') },
  php: {
    definitions: set('function_definition class_declaration interface_declaration trait_declaration enum_declaration method_declaration namespace_definition'),
    containers: set('class_declaration interface_declaration trait_declaration enum_declaration namespace_definition'),
    wrappers: set(''),
    imports: set('namespace_use_declaration'),
  },
  kotlin: { definitions: set('function_declaration class_declaration object_declaration'), containers: set('class_declaration object_declaration'), wrappers: set(''), imports: set('package_header import_list import_header') },
  swift: { definitions: set('function_declaration class_declaration protocol_declaration init_declaration'), containers: set('class_declaration protocol_declaration'), wrappers: set(''), imports: set('import_declaration') },
  scala: { definitions: set('function_definition class_definition object_definition trait_definition'), containers: set('class_definition object_definition trait_definition'), wrappers: set(''), imports: set('package_clause import_declaration') },
  lua: { definitions: set('function_declaration function_definition_statement local_function_definition_statement'), containers: set(''), wrappers: set(''), imports: set('') },
  bash: { definitions: set('function_definition'), containers: set(''), wrappers: set(''), imports: set('') },
};

/** Nodes that hold a container's members; members are searched one level inside them. */
export const BODY_TYPES = set(
  'class_body declaration_list field_declaration_list enum_body interface_body body_statement block statement_block template_body enum_class_body object_body protocol_body compound_statement',
);

/** What a title calls a definition, from its node type. */
export function kindLabel(type: string, insideContainer: boolean): string {
  if (/constructor|init_declaration/.test(type)) return 'constructor';
  if (/^impl_item$/.test(type)) return 'impl';
  if (/trait/.test(type)) return 'trait';
  if (/interface|protocol/.test(type)) return 'interface';
  if (/struct/.test(type)) return 'struct';
  if (/enum/.test(type)) return 'enum';
  if (/union/.test(type)) return 'union';
  if (/record/.test(type)) return 'record';
  if (/class/.test(type)) return 'class';
  if (/namespace|internal_module/.test(type)) return 'namespace';
  if (/mod_item|^module$/.test(type)) return 'module';
  if (/object/.test(type)) return 'object';
  if (/type_alias|type_item|type_definition|type_declaration/.test(type)) return 'type';
  if (/macro/.test(type)) return 'macro';
  if (/property/.test(type)) return 'property';
  if (type === 'function_item' || type === 'function_signature_item') return 'fn';
  if (/method|singleton_method/.test(type) || (insideContainer && /function/.test(type))) return 'method';
  return 'function';
}
