/** The reusable dynamic form: see DynamicForm.tsx and the README ("Reusing the form component"). */
export { DynamicForm, type DynamicFormProps } from './DynamicForm';
export { checkField, checkForm, type FieldProblem } from './validate';
export type { FieldErrorSpec, FormControl, FormFieldSpec, FormGroupSpec, FormValues } from './types';
export { toFieldValues } from './values';
